import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTcpTransport,
  createUdpTransport,
  createUserAgent,
  cpmContactParams,
  cpmInviteHeaders,
  readCpmHeaders,
  type Dialog,
  type IncomingInvite,
  type SipLogEvent,
  type SipTransport,
  type UserAgent,
  type UserAgentDelegate,
} from '../../../runtime/sip/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const fastTimers = { T1: 50, T2: 400, T4: 500 };

async function makeUa(protocol: 'UDP' | 'TCP', name: string, delegate: UserAgentDelegate = {}, extra: { outboundProxy?: string } = {}) {
  const transport: SipTransport = protocol === 'UDP' ? await createUdpTransport() : await createTcpTransport();
  const log: SipLogEvent[] = [];
  const ua = createUserAgent({
    transports: [transport],
    localUri: `sip:${name}@127.0.0.1`,
    userAgent: 'cpm-ft-test',
    timers: fastTimers,
    contactParams: cpmContactParams(),
    logger: (e) => log.push(e),
    delegate,
    ...extra,
  });
  cleanups.push(async () => {
    ua.close();
    await transport.close();
  });
  const uri = `sip:${name}@127.0.0.1:${transport.local.port}${protocol === 'TCP' ? ';transport=tcp' : ''}`;
  return { ua, transport, log, uri };
}

const waitFor = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

for (const protocol of ['UDP', 'TCP'] as const) {
  describe(`user agent over ${protocol} loopback`, () => {
    it('INVITE / 200 / ACK, re-INVITE, then BYE', async () => {
      let serverDialog: Dialog | undefined;
      const events: string[] = [];
      const bob = await makeUa(protocol, 'bob', {
        onInvite: (incoming) => {
          const cpm = readCpmHeaders(incoming.request.headers);
          events.push(`invite ft=${cpm.isFileTransfer} conv=${cpm.conversationId !== undefined}`);
          incoming.progress(180);
          serverDialog = incoming.accept('v=0\r\ns=answer\r\n', 'application/sdp');
        },
        onAck: () => events.push('ack'),
        onReinvite: (_dialog, incoming) => {
          events.push(`reinvite ${incoming.request.body.toString().trim()}`);
          incoming.accept('v=0\r\ns=answer2\r\n');
        },
        onBye: () => events.push('bye'),
      });
      const alice = await makeUa(protocol, 'alice');
      const progress: number[] = [];
      const cpm = cpmInviteHeaders();
      const result = await alice.ua.invite(bob.uri, { body: 'v=0\r\ns=offer\r\n', contentType: 'application/sdp', headers: cpm.headers, onProgress: (r) => progress.push(r.status) });
      expect(result.kind).toBe('accepted');
      if (result.kind !== 'accepted') return;
      expect(result.response.body.toString()).toBe('v=0\r\ns=answer\r\n');
      expect(progress).toEqual([180]);
      await waitFor(() => events.includes('ack'));
      expect(events[0]).toBe('invite ft=true conv=true');
      const dialog = result.dialog;
      expect(dialog.id.callId).toBe(serverDialog!.id.callId);
      expect(dialog.id.localTag).toBe(serverDialog!.id.remoteTag);
      expect(alice.ua.dialogs.size).toBe(1);

      const re = await alice.ua.reinvite(dialog, 'v=0\r\ns=offer2\r\n', 'application/sdp');
      expect(re.response.status).toBe(200);
      expect(re.response.body.toString()).toContain('answer2');
      await waitFor(() => events.filter((e) => e === 'ack').length === 2);
      expect(events).toContain('reinvite v=0\r\ns=offer2');

      const bye = await alice.ua.bye(dialog);
      expect(bye.response.status).toBe(200);
      await waitFor(() => events.includes('bye'));
      expect(alice.ua.dialogs.size).toBe(0);
      expect(bob.ua.dialogs.size).toBe(0);
      // The log hook saw every message with method/status, CSeq and Call-ID.
      const sent = alice.log.flatMap((e) => (e.kind === 'message' && e.direction === 'sent' ? [`${e.method} ${e.cseq}`] : []));
      // Under load the same request may go out more than once, and that is RFC 3261 behaviour: over UDP
      // Timer A/E retransmit an unanswered INVITE/BYE, and bob may retransmit a 2xx before our ACK lands,
      // which §13.2.2.4 has us ACK again. Repeats of one CSeq collapse; the distinct requests must be exact.
      const collapsed = sent.filter((line, i) => line !== sent[i - 1]).map((line) => line.split(' ')[0]);
      expect(collapsed).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
      const got = alice.log.find((e) => e.kind === 'message' && e.status === 180);
      expect(got?.kind === 'message' && got.callId).toBe(dialog.id.callId);
    });

    it('INVITE rejected with 486 resolves with the response', async () => {
      const bob = await makeUa(protocol, 'bob', { onInvite: (i) => i.reject(486) });
      const alice = await makeUa(protocol, 'alice');
      const result = await alice.ua.invite(bob.uri);
      expect(result.kind).toBe('rejected');
      expect(result.response.status).toBe(486);
      expect(result.kind === 'rejected' && result.cancelled).toBe(false);
    });

    it('CANCEL before the answer gives 487', async () => {
      let pending: IncomingInvite | undefined;
      let cancelled = false;
      const bob = await makeUa(protocol, 'bob', {
        onInvite: (i) => {
          pending = i;
          i.progress(180);
        },
        onCancel: () => (cancelled = true),
      });
      const alice = await makeUa(protocol, 'alice');
      const call = alice.ua.invite(bob.uri, { body: 'v=0\r\n' });
      await waitFor(() => pending !== undefined);
      call.cancel();
      const result = await call;
      expect(result.response.status).toBe(487);
      expect(result.kind === 'rejected' && result.cancelled).toBe(true);
      expect(cancelled).toBe(true);
      expect(pending!.cancelled).toBe(true);
      expect(() => pending!.accept('v=0\r\n')).toThrow(/cancelled/);
      const cancelResponse = alice.log.find((e) => e.kind === 'message' && e.direction === 'received' && e.method === 'CANCEL');
      expect(cancelResponse?.kind === 'message' && cancelResponse.status).toBe(200);
    });

    it('answers 481 to a request in an unknown dialog and to a CANCEL with no transaction', async () => {
      let dialog: Dialog | undefined;
      const bob = await makeUa(protocol, 'bob', { onInvite: (i) => void (dialog = i.accept('v=0\r\n')) });
      const alice = await makeUa(protocol, 'alice');
      const result = await alice.ua.invite(bob.uri);
      if (result.kind !== 'accepted') throw new Error('expected accept');
      // Bob forgets the dialog (as after a restart); Alice's BYE then matches nothing.
      await waitFor(() => dialog !== undefined);
      await bob.ua.bye(dialog!).catch(() => undefined);
      const again = await alice.ua.request(result.dialog, 'OPTIONS');
      expect(again.response.status).toBe(481);
    });
  });
}

describe('user agent: automatic answers and edge cases (UDP)', () => {
  async function rawExchange(port: number, text: string): Promise<string> {
    const sock = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    // The first final response (an INVITE gets 100 Trying before it).
    const reply = new Promise<string>((resolve) =>
      sock.on('message', (b) => {
        if (!/^SIP\/2\.0 1\d\d /.test(b.toString())) resolve(b.toString());
      }),
    );
    sock.send(Buffer.from(text.replace(/\n/g, '\r\n')), port, '127.0.0.1');
    return reply;
  }
  const base = (method: string, uri: string, extra = '') =>
    `${method} ${uri} SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKraw${Math.random().toString(36).slice(2)};rport\nFrom: <sip:x@127.0.0.1>;tag=r1\nTo: <sip:bob@127.0.0.1>${extra}\nCall-ID: raw-${Math.random()}\nCSeq: 1 ${method}\nMax-Forwards: 70\nContent-Length: 0\n\n`;

  it('answers 400 to a malformed request sent as raw bytes, to the rport source', async () => {
    const bob = await makeUa('UDP', 'bob');
    const text = 'INVITE sip:bob@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad;rport\nFrom: <sip:x@127.0.0.1>;tag=1\nTo: <sip:bob@127.0.0.1>\nCall-ID: bad-1\nCSeq: 1 INVITE\nBroken header line\nContent-Length: 0\n\n';
    const reply = await rawExchange(bob.transport.local.port, text);
    expect(reply).toMatch(/^SIP\/2\.0 400 /);
    expect(reply).toMatch(/Via: SIP\/2\.0\/UDP 127\.0\.0\.1:9;branch=z9hG4bKbad;rport=\d+;received=127\.0\.0\.1/);
    expect(bob.log.some((e) => e.kind === 'diagnostic' && e.diagnostic.status === 400)).toBe(true);
  });

  it('answers 405 with Allow, 416 for a tel: Request-URI, 200 to OPTIONS, 481 to BYE without dialog', async () => {
    const bob = await makeUa('UDP', 'bob');
    const port = bob.transport.local.port;
    const r405 = await rawExchange(port, base('SUBSCRIBE', `sip:bob@127.0.0.1:${port}`));
    expect(r405).toMatch(/^SIP\/2\.0 405 /);
    expect(r405).toMatch(/\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n/);
    expect(await rawExchange(port, base('INVITE', 'tel:+15551234'))).toMatch(/^SIP\/2\.0 416 /);
    expect(await rawExchange(port, base('OPTIONS', `sip:bob@127.0.0.1:${port}`))).toMatch(/^SIP\/2\.0 200 /);
    expect(await rawExchange(port, base('BYE', `sip:bob@127.0.0.1:${port}`, ';tag=nope'))).toMatch(/^SIP\/2\.0 481 /);
    expect(await rawExchange(port, base('CANCEL', `sip:bob@127.0.0.1:${port}`))).toMatch(/^SIP\/2\.0 481 /);
  });

  it('retransmits the INVITE over UDP through a relay that drops the first one', async () => {
    const bob = await makeUa('UDP', 'bob', { onInvite: (i) => void i.accept('v=0\r\n') });
    const alice = await makeUa('UDP', 'alice');
    // A dumb datagram relay: alice -> bob and back, dropping the first INVITE it sees.
    const relay = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => relay.close(() => r())));
    await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
    let dropped = 0;
    let invitesForwarded = 0;
    relay.on('message', (buf, rinfo) => {
      if (rinfo.port === bob.transport.local.port) {
        relay.send(buf, alice.transport.local.port, '127.0.0.1');
        return;
      }
      if (buf.toString().startsWith('INVITE ')) {
        if (dropped === 0) {
          dropped++;
          return;
        }
        invitesForwarded++;
      }
      relay.send(buf, bob.transport.local.port, '127.0.0.1');
    });
    const relayPort = (relay.address() as { port: number }).port;
    const result = await alice.ua.invite(`sip:bob@127.0.0.1:${relayPort}`);
    expect(result.kind).toBe('accepted');
    expect(dropped).toBe(1);
    expect(invitesForwarded).toBeGreaterThanOrEqual(1);
    const invitesSent = alice.log.filter((e) => e.kind === 'message' && e.direction === 'sent' && e.method === 'INVITE' && e.status === undefined);
    expect(invitesSent.length).toBeGreaterThanOrEqual(2);
    if (result.kind === 'accepted') await alice.ua.bye(result.dialog);
  });

  it('sends through an outbound proxy with a Route header while the Request-URI stays the target', async () => {
    const bob = await makeUa('UDP', 'bob', { onInvite: (i) => i.reject(603) });
    const seen: string[] = [];
    // A raw socket standing in for the proxy: it records the request and answers 403.
    const proxy = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => proxy.close(() => r())));
    await new Promise<void>((r) => proxy.bind(0, '127.0.0.1', () => r()));
    proxy.on('message', (buf, rinfo) => {
      const text = buf.toString();
      seen.push(text);
      if (!text.startsWith('INVITE')) return;
      const head = text.split('\r\n\r\n')[0]!.split('\r\n');
      const keep = head.filter((l) => /^(Via|From|To|Call-ID|CSeq):/.test(l));
      proxy.send(Buffer.from(`SIP/2.0 403 Forbidden\r\n${keep.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`), rinfo.port, rinfo.address);
    });
    const proxyPort = (proxy.address() as { port: number }).port;
    const alice = await makeUa('UDP', 'alice', {}, { outboundProxy: `sip:127.0.0.1:${proxyPort}` });
    const result = await alice.ua.invite(bob.uri);
    expect(result.response.status).toBe(403);
    expect(seen[0]).toMatch(new RegExp(`^INVITE ${bob.uri.replace(/[.]/g, '\\.')} SIP/2\\.0\\r\\n`));
    expect(seen[0]).toContain(`\r\nRoute: <sip:127.0.0.1:${proxyPort};lr>\r\n`);
    await waitFor(() => seen.some((s) => s.startsWith('ACK ')));
  });
});

describe('UAS 2xx retransmission until ACK (RFC 3261 §13.3.1.4)', () => {
  it('retransmits the 200 with T1 doubling, then gives up and sends BYE', async () => {
    const { createFakeClock } = await import('../../../runtime/sip/index.ts');
    const clock = createFakeClock();
    const transport = await createUdpTransport();
    let terminated = '';
    const bob: UserAgent = createUserAgent({
      transports: [transport],
      localUri: 'sip:bob@127.0.0.1',
      clock,
      delegate: { onInvite: (i) => void i.accept('v=0\r\n'), onDialogTerminated: (_d, why) => (terminated = why) },
    });
    cleanups.push(async () => {
      bob.close();
      await transport.close();
    });
    const peer = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => peer.close(() => r())));
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const got: string[] = [];
    peer.on('message', (b) => got.push(b.toString().split('\r\n')[0]!));
    const port = (peer.address() as { port: number }).port;
    const invite = `INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKnoack\r\nFrom: <sip:x@127.0.0.1>;tag=n1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: noack\r\nCSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:${port}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    peer.send(Buffer.from(invite), transport.local.port, '127.0.0.1');
    await waitFor(() => got.filter((l) => l.startsWith('SIP/2.0 200')).length === 1);
    // T1=500: retransmissions at 500, 1500, 3500, 7500, 11500, ... up to 64*T1 = 32 s.
    clock.advance(3500);
    await waitFor(() => got.filter((l) => l.startsWith('SIP/2.0 200')).length === 4);
    clock.advance(32_000 - 3500);
    await waitFor(() => got.some((l) => l.startsWith('BYE ')));
    expect(got.filter((l) => l.startsWith('SIP/2.0 200')).length).toBe(11);
    expect(terminated).toBe('no ACK for 2xx');
  });
});
