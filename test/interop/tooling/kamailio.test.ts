import { afterEach, expect, it } from 'vitest';
import { describeWithPeers } from '../../helpers/system-peers.ts';
import { createHash } from 'node:crypto';
import { startKamailio, type KamailioRun } from '../../helpers/kamailio.ts';
import { startSipp, runSipp, SippExit } from '../../helpers/sipp.ts';
import { killTrackedChildren, trackedChildCount } from '../../helpers/child-process-registry.ts';
import { connectTcp, writeTcp, readUntil, endTcp } from '../../helpers/raw-senders.ts';

const running: KamailioRun[] = [];
afterEach(async () => {
  for (const k of running.splice(0)) await k.stop();
  await killTrackedChildren();
});

describeWithPeers(['kamailio', 'sipp'], 'kamailio record-routing proxy', () => {
  it.each(['udp', 'tcp'] as const)('relays sipp UAC -> kamailio -> sipp UAS over %s and stays on the path', async (transport) => {
    const proxy = await startKamailio({ config: 'proxy.cfg', transports: ['udp', 'tcp'] });
    running.push(proxy);
    const uas = await startSipp({ scenario: 'uas-file-answer.xml', transport });
    await uas.ready();
    const uac = await runSipp({
      scenario: 'uac-file-offer.xml', transport, service: 'bob', recvTimeoutMs: 3000,
      remote: `127.0.0.1:${proxy.port}`, keys: { target: `127.0.0.1:${uas.port}` },
    });
    const server = await uas.done;
    expect(uac.exitCode, `${uac.errors}\n${proxy.log().slice(-1500)}`).toBe(SippExit.allCallsSucceeded);
    expect(server.exitCode, server.errors).toBe(SippExit.allCallsSucceeded);
    // The proxy inserted itself (RFC 3261 §16.6) and the UAC's in-dialog requests are loose-routed through it.
    expect(server.messages).toMatch(new RegExp(`Record-Route: <sip:127\\.0\\.0\\.1:${proxy.port};[^>]*lr`));
    expect(uac.messages).toMatch(new RegExp(`^BYE sip:bob@127\\.0\\.0\\.1:${uas.port}[^\\n]*\\n(?:[^\\n]+\\n)*Route: <sip:127\\.0\\.0\\.1:${proxy.port};`, 'm'));
    expect(server.messages).toMatch(/^BYE /m);
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

describeWithPeers(['kamailio', 'sipp'], 'kamailio msrp.so relay (RFC 4976)', () => {
  it('challenges an AUTH with 401 + WWW-Authenticate, then accepts the digest with 200, Use-Path and Expires', async () => {
    const relay = await startKamailio({ config: 'msrp-relay.cfg', transports: ['tcp'], defines: { MSRP_PASSWORD: 'pw-1234' } });
    running.push(relay);
    const socket = await connectTcp(relay.port);
    try {
      const relayUri = `msrp://127.0.0.1:${relay.port};tcp`;
      const auth = (tid: string, extra: string[]): string => [
        `MSRP ${tid} AUTH`, `To-Path: ${relayUri}`, 'From-Path: msrp://127.0.0.1:40000/cl1ent;tcp', ...extra, `-------${tid}$`, '',
      ].join('\r\n');

      const first = readUntil(socket, (t) => t.includes('-------auth0001$'));
      await writeTcp(socket, auth('auth0001', []));
      const challenge = await first;
      expect(challenge).toMatch(/^MSRP auth0001 401 /);
      const wwwAuth = /^WWW-Authenticate: (Digest [^\r\n]+)/m.exec(challenge)?.[1];
      expect(wwwAuth).toMatch(/realm="cpm-ft\.test"/);
      const nonce = /nonce="([^"]+)"/.exec(wwwAuth ?? '')?.[1] ?? '';
      expect(nonce).not.toBe('');

      // RFC 4976 §5.1 reuses HTTP digest (RFC 2617, no qop here): response = MD5(HA1:nonce:HA2), method AUTH.
      const ha1 = md5(`alice:cpm-ft.test:pw-1234`);
      const ha2 = md5(`AUTH:${relayUri}`);
      const response = md5(`${ha1}:${nonce}:${ha2}`);
      const second = readUntil(socket, (t) => t.includes('-------auth0002$'));
      await writeTcp(socket, auth('auth0002', [
        `Authorization: Digest username="alice", realm="cpm-ft.test", nonce="${nonce}", uri="${relayUri}", response="${response}"`,
      ]));
      const accepted = await second;
      expect(accepted).toMatch(/^MSRP auth0002 200 /);
      expect(accepted).toMatch(/^Use-Path: msrps?:\/\/[^\r\n]+/m);
      expect(accepted).toMatch(/^Expires: \d+/m);
    } finally {
      await endTcp(socket);
    }
  });

  it('answers a SEND for an unknown session with 481', async () => {
    const relay = await startKamailio({ config: 'msrp-relay.cfg', transports: ['tcp'] });
    running.push(relay);
    const socket = await connectTcp(relay.port);
    try {
      const reply = readUntil(socket, (t) => t.includes('-------send0001$'));
      await writeTcp(socket, [
        'MSRP send0001 SEND', `To-Path: msrp://127.0.0.1:${relay.port}/nosuchsession;tcp`,
        'From-Path: msrp://127.0.0.1:40000/cl1ent;tcp', 'Message-ID: m1', 'Byte-Range: 1-2/2', 'Content-Type: text/plain', '', 'hi', '-------send0001$', '',
      ].join('\r\n'));
      expect(await reply).toMatch(/^MSRP send0001 481 /);
    } finally {
      await endTcp(socket);
    }
  });

  it('stops cleanly', async () => {
    const relay = await startKamailio({ config: 'msrp-relay.cfg', transports: ['tcp'] });
    await relay.stop();
    expect(trackedChildCount()).toBe(0);
  });
});
