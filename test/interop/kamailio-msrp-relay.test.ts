// RFC 4976 relay authentication with runtime/msrp's relay helpers (buildAuthRequest,
// interpretAuthResponse, answerAuthChallenge) against kamailio's msrp module
// (test/interop/kamailio/msrp-relay.cfg): AUTH -> 401 with a Digest challenge -> AUTH with credentials
// -> 200 with Use-Path and Expires. Interop finding: this kamailio answers an AUTH that carries an
// Expires header (even 600, inside its 60..3600 bounds) with 423 and a malformed header line, which
// our parser rightly refuses; the client should therefore send its AUTH without Expires.
// Transfers by createClient through this relay (ClientOptions.msrpRelay) are in
// kamailio-msrp-relay-transfer.test.ts.
import { afterEach, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import type { Socket } from 'node:net';
import {
  MsrpParser, answerAuthChallenge, buildAuthRequest, interpretAuthResponse, parseMsrpUri,
  type MsrpResponseHead, type MsrpUri,
} from '../../runtime/msrp/index.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { startKamailio, type KamailioRun } from '../helpers/kamailio.ts';
import { connectTcp, endTcp } from '../helpers/raw-senders.ts';
import { freePort } from '../helpers/wait-for-port.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

/** A raw MSRP client connection that parses every response the relay sends back. */
class RelayConnection {
  readonly responses: MsrpResponseHead[] = [];
  readonly parseErrors: string[] = [];
  raw = '';
  readonly #waiters: Array<{ tid: string; resolve: (h: MsrpResponseHead) => void }> = [];
  readonly #parser = new MsrpParser({
    head: (head) => {
      if (head.kind !== 'response') return;
      this.responses.push(head);
      const at = this.#waiters.findIndex((w) => w.tid === head.transactionId);
      if (at >= 0) this.#waiters.splice(at, 1)[0]?.resolve(head);
    },
    body: () => {},
    end: () => {},
  });
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.raw += d.toString('latin1');
      const fed = this.#parser.feed(d);
      if (!fed.ok) this.parseErrors.push(fed.error.message);
    });
  }

  request(tid: string, wire: Buffer, timeoutMs = 3000): Promise<MsrpResponseHead> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${tid} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ tid, resolve: (h) => { clearTimeout(timer); resolve(h); } });
      this.socket.write(wire);
    });
  }
}

function uri(text: string): MsrpUri {
  const parsed = parseMsrpUri(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

async function relay(): Promise<{ run: KamailioRun; conn: RelayConnection; relayUri: MsrpUri }> {
  const port = await freePort('tcp');
  const run = await startKamailio({ config: 'msrp-relay.cfg', transports: ['tcp'], port, defines: { MSRP_PASSWORD: 'interop-pw', MSRP_USE_PATH: `127.0.0.1:${port}` } });
  cleanups.push(() => run.stop());
  const socket = await connectTcp(run.port);
  cleanups.push(() => endTcp(socket));
  return { run, conn: new RelayConnection(socket), relayUri: uri(`msrp://127.0.0.1:${run.port};tcp`) };
}

const local = uri('msrp://127.0.0.1:40001/interopclient;tcp');

describeWithPeers(['kamailio'], 'RFC 4976 AUTH with runtime/msrp relay helpers against kamailio msrp', () => {
  it('AUTH -> 401 Digest challenge -> AUTH with digest -> 200 with Use-Path and Expires', async () => {
    const { run, conn, relayUri } = await relay();
    const first = buildAuthRequest({ relay: relayUri, local });
    const challenge = interpretAuthResponse(await conn.request(first.transactionId, first.wire));
    expect(challenge.kind).toBe('challenge');
    if (challenge.kind !== 'challenge') return;
    expect(challenge.challenge.realm).toBe('cpm-ft.test');
    expect(challenge.challenge.nonce).not.toBe('');

    const authorization = answerAuthChallenge(challenge.challenge, { username: 'alice', password: 'interop-pw' }, relayUri);
    const second = buildAuthRequest({ relay: relayUri, local, authorization });
    const outcome = interpretAuthResponse(await conn.request(second.transactionId, second.wire));
    expect(outcome.kind, JSON.stringify(outcome)).toBe('authorized');
    if (outcome.kind !== 'authorized') return;
    // The Use-Path names the relay: that URI is what a client puts in front of its own a=path.
    expect(outcome.usePath).toHaveLength(1);
    expect(outcome.usePath[0]).toMatchObject({ scheme: 'msrp', host: '127.0.0.1', port: run.port, transport: 'tcp' });
    expect(outcome.usePath[0]?.sessionId).toMatch(/^msrp-/);
    // RFC 4976 §5.1: without a requested Expires the relay grants its own lifetime, within its bounds.
    expect(outcome.expires).toBeGreaterThanOrEqual(60);
    expect(outcome.expires).toBeLessThanOrEqual(3600);
    countWhenPassed('interop', 1);
  });

  it('a wrong password is challenged again, never authorized', async () => {
    const { conn, relayUri } = await relay();
    const first = buildAuthRequest({ relay: relayUri, local });
    const challenge = interpretAuthResponse(await conn.request(first.transactionId, first.wire));
    if (challenge.kind !== 'challenge') throw new Error(`expected a challenge, got ${challenge.kind}`);
    const authorization = answerAuthChallenge(challenge.challenge, { username: 'alice', password: 'wrong' }, relayUri);
    const second = buildAuthRequest({ relay: relayUri, local, authorization });
    expect(interpretAuthResponse(await conn.request(second.transactionId, second.wire)).kind).toBe('challenge');
    countWhenPassed('interop', 1);
  });

  it('an authorised AUTH with an Expires header gets 423; a malformed bound header in it is refused, never misread', async () => {
    const { conn, relayUri } = await relay();
    const first = buildAuthRequest({ relay: relayUri, local, expires: 600 });
    const challenge = interpretAuthResponse(await conn.request(first.transactionId, first.wire));
    if (challenge.kind !== 'challenge') throw new Error(`expected a challenge, got ${challenge.kind}`);
    const authorization = answerAuthChallenge(challenge.challenge, { username: 'alice', password: 'interop-pw' }, relayUri);
    const second = buildAuthRequest({ relay: relayUri, local, expires: 600, authorization });
    conn.socket.write(second.wire);
    const deadline = Date.now() + 3000;
    // Wait until the parser has dealt with the whole response (an error or a parsed response), not
    // merely until its bytes arrived: the raw text and the parser's verdict are updated separately.
    const settled = (): boolean =>
      conn.raw.includes(`-------${second.transactionId}$`) &&
      (conn.parseErrors.length > 0 || conn.responses.some((r) => r.transactionId === second.transactionId));
    while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(conn.raw).toContain(`MSRP ${second.transactionId} 423 `);
    // Kamailio 5.6 writes this 423 differently from run to run: sometimes with a malformed
    // Min/Max-Expires line, sometimes with none, and sometimes with stray bytes (NULs among them) and
    // no CRLF before its end-line, so the message is never terminated as RFC 4975 frames it. The
    // parser must refuse a malformed bound header (a Result error at the wire boundary), must never
    // make a response out of a message that is not terminated (it keeps waiting for an end-line that
    // does not come), and must read the plain 423 as a 423.
    const parsed = conn.responses.find((r) => r.transactionId === second.transactionId);
    const written = conn.raw.slice(conn.raw.indexOf(`MSRP ${second.transactionId} 423 `));
    const wellFormed = new RegExp(`^MSRP ${second.transactionId} 423 [^\\r\\n]*\\r\\n(?:[A-Za-z-]+: [\\x20-\\x7e]*\\r\\n)*-------${second.transactionId}\\$\\r\\n$`);
    if (conn.parseErrors.length > 0 || !wellFormed.test(written)) expect(parsed, JSON.stringify(conn.raw)).toBeUndefined();
    else expect(parsed?.status, JSON.stringify(conn.raw)).toBe(423);
    countWhenPassed('interop', 1);
  });
});
