// A SIP/TCP peer that sends requests without reading the responses: once half of maxPendingWrite
// waits for the socket the transport stops reading it, so the backlog stops growing; a peer that
// then reads gets every answer on the same connection, one that does not is dropped after
// drainTimeout (ERR_SIP_PEER_NOT_READING), never by overrunning the hard bound.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock, createResponseTo, createTcpTransport, type SipTransport, type TransportDiagnostic } from '../../runtime/sip/index.ts';
import { waitFor } from '../helpers/fuzz-raw-peers.ts';
import { drainWithin } from '../helpers/drain-within.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const BODY = Buffer.alloc(64 * 1024, 0x61);
const options = (n: number): string =>
  `OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-flood-${n}\r\nFrom: <sip:f@127.0.0.1>;tag=f\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: flood-${n}\r\nCSeq: ${n} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;

/** A transport answering every request with a 64 KiB response, and a flooding peer that does not read. */
async function setUp(): Promise<{ transport: SipTransport; answered: () => number; failedSends: () => number; diagnostics: TransportDiagnostic[]; peer: Socket; received: () => number; clock: ReturnType<typeof createFakeClock> }> {
  const clock = createFakeClock();
  const transport = await createTcpTransport({ host: '127.0.0.1', port: 0, clock, idleTimeout: 0, maxPendingWrite: 1024 * 1024, drainTimeout: 5000 });
  cleanups.push(() => transport.close());
  const diagnostics: TransportDiagnostic[] = [];
  transport.onDiagnostic((d) => diagnostics.push(d));
  let answered = 0;
  let failedSends = 0;
  transport.onMessage((message, source) => {
    if (message.kind !== 'request') return;
    answered += 1;
    transport.send(createResponseTo(message, 200, { body: BODY }), source).catch(() => { failedSends += 1; });
  });
  const peer = connect({ host: '127.0.0.1', port: transport.local.port });
  cleanups.push(() => { peer.destroy(); });
  peer.on('error', () => {});
  await new Promise<void>((resolve) => peer.once('connect', () => resolve()));
  peer.pause();
  let received = 0;
  peer.on('data', (d: Buffer) => { received += d.length; });
  peer.pause();
  return { transport, answered: () => answered, failedSends: () => failedSends, diagnostics, peer, received: () => received, clock };
}

/** Writes requests until the transport stops reading (our writes back up) or `max` were sent. */
async function flood(peer: Socket, max: number): Promise<number> {
  let n = 0;
  while (n < max && !peer.destroyed) {
    const chunk = Array.from({ length: 50 }, () => options(++n)).join('');
    if (!peer.write(chunk)) {
      if (!await drainWithin(peer, 1500)) break;
    }
  }
  return n;
}

describe('SIP over TCP: responses toward a peer that does not read them', () => {
  it('stops reading at half the bound, so the backlog stays bounded; a late reader gets every answer', async () => {
    const s = await setUp();
    // Enough requests for ~200 MB of responses: far beyond the kernel's socket buffers.
    const sent = await flood(s.peer, 3200);
    await sleep(500);
    const atHold = s.answered();
    expect(atHold, 'reads stopped before every request was taken').toBeLessThan(sent);
    await sleep(500);
    expect(s.answered(), 'no more requests are taken while the peer does not read').toBe(atHold);
    expect(s.failedSends(), 'the hard bound was never reached').toBe(0);
    // The peer reads after all: the connection resumes and every request is answered.
    s.peer.resume();
    expect(await waitFor(() => (s.answered() === sent ? true : undefined), 30_000), `answered ${s.answered()} of ${sent}`).toBe(true);
    expect(s.failedSends()).toBe(0);
    expect(s.diagnostics.filter((d) => d.code === 'ERR_SIP_PEER_NOT_READING')).toEqual([]);
  }, 60_000);

  it('drops a peer that still does not read after drainTimeout', async () => {
    const s = await setUp();
    const sent = await flood(s.peer, 3200);
    await sleep(500);
    expect(s.answered()).toBeLessThan(sent);
    expect(s.failedSends(), 'held, not dropped at the hard bound').toBe(0);
    let closed = false;
    s.peer.on('close', () => { closed = true; });
    s.clock.advance(4999);
    await sleep(100);
    expect(closed).toBe(false);
    expect(s.diagnostics.map((d) => d.code)).not.toContain('ERR_SIP_PEER_NOT_READING');
    s.clock.advance(1);
    expect(s.diagnostics.map((d) => d.code)).toContain('ERR_SIP_PEER_NOT_READING');
    // Our side only notices the reset once it reads again.
    s.peer.resume();
    expect(await waitFor(() => (closed ? true : undefined), 5000)).toBe(true);
  }, 60_000);
});
