import { createFakeClock } from '../../../runtime/clock.ts';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MsrpEndpoint } from '../../../runtime/msrp/msrp-endpoint.ts';
import type { MsrpReport } from '../../../runtime/msrp/outgoing-message.ts';
import { formatMsrpPath } from '../../../runtime/msrp/msrp-uri.ts';
import { connected, memorySink, patterned, pieces } from './helpers.ts';
import { parsePieces } from './collect.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function setup(...args: Parameters<typeof connected>) {
  const p = await connected(...args);
  cleanups.push(p.close);
  return p;
}

/** Raw client: writes bytes, collects parsed responses. */
async function rawClient(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  cleanups.push(async () => { socket.destroy(); await closed; });
  const responses = async (n: number) => {
    for (let i = 0; i < 200; i++) {
      const { messages } = parsePieces([Buffer.concat(received)]);
      if (messages.length >= n) return messages;
      await new Promise((r) => setTimeout(r, 10));
    }
    return parsePieces([Buffer.concat(received)]).messages;
  };
  return { socket, responses, closed };
}

describe('MSRP sessions over loopback TCP', () => {
  it('binds the passive side from the active side\'s empty SEND', async () => {
    const { passive, active } = await setup();
    expect(passive.connection).toBeDefined();
    expect(active.connection).toBeDefined();
    expect(passive.id.length).toBeGreaterThanOrEqual(16);
    expect(passive.id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  for (const [size, chunkSize, window] of [[0, 1024, 1], [1, 1024, 1], [8 * 1024 * 1024, 64 * 1024, 32], [8 * 1024 * 1024, 7777, 3], [300_000, 100_000, 1]] as const) {
    it(`moves ${size} bytes byte for byte (chunk ${chunkSize}, window ${window}) in both directions`, async () => {
      const body = patterned(size, size + 1);
      for (const direction of ['active->passive', 'passive->active'] as const) {
        const got = memorySink(size);
        const infos: unknown[] = [];
        const opts = { delegate: { onMessageStart: (info: unknown) => { infos.push(info); return got.sink; } } };
        const { passive, active } = await setup(direction === 'active->passive' ? opts : {}, direction === 'active->passive' ? {} : opts);
        const [from] = direction === 'active->passive' ? [active] : [passive];
        const msg = from.send(pieces(body, 50_000), { size, contentType: 'application/octet-stream', chunkSize, window });
        const result = await msg.done;
        expect(result.bytes).toBe(size);
        expect(await got.ended).toBe('$');
        expect(got.data.equals(body)).toBe(true);
        expect(infos).toHaveLength(1);
        expect(msg.bytesAcknowledged).toBe(size);
      }
    });
  }

  it('sends a success REPORT with the exact Byte-Range when asked', async () => {
    const got = memorySink(1000);
    const { active } = await setup({ delegate: { onMessageStart: () => got.sink } });
    const reports: MsrpReport[] = [];
    const reported = new Promise<void>((resolve) => {
      active.send([patterned(1000)], { size: 1000, contentType: 'text/plain', successReport: true, chunkSize: 300, onReport: (r) => { reports.push(r); resolve(); } });
    });
    await reported;
    expect(reports[0]?.byteRange).toEqual({ start: 1, end: 1000, total: 1000 });
    expect(reports[0]?.status).toEqual({ namespace: 0, code: 200, reason: 'OK' });
  });

  it('sends no 200s under Failure-Report: partial and still delivers', async () => {
    const { passiveEp, activeEp } = await setup();
    // Look at the wire: a raw client against the passive endpoint with a fresh session.
    const session = passiveEp.createSession({ delegate: { onMessageStart: () => memorySink(4).sink } });
    const client = await rawClient(passiveEp.port);
    const to = formatMsrpPath([session.localUri]);
    const from = 'msrp://127.0.0.1:9/xyz;tcp';
    client.socket.write(`MSRP aaaa1111 SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${from}\r\nMessage-ID: m1\r\nFailure-Report: partial\r\nByte-Range: 1-2/4\r\nContent-Type: text/plain\r\n\r\nab\r\n-------aaaa1111+\r\n`);
    client.socket.write(`MSRP aaaa2222 SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${from}\r\nMessage-ID: m1\r\nFailure-Report: partial\r\nByte-Range: 3-4/4\r\nContent-Type: text/plain\r\n\r\ncd\r\n-------aaaa2222$\r\n`);
    // A third request with Failure-Report yes proves the connection is alive and answers come back.
    client.socket.write(`MSRP aaaa3333 SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${from}\r\n-------aaaa3333$\r\n`);
    const msgs = await client.responses(1);
    expect(msgs.map((m) => m.head.transactionId)).toEqual(['aaaa3333']);
    expect(activeEp).toBeDefined();
  });

  it('sender with Failure-Report: partial completes without waiting for 200s', async () => {
    const got = memorySink(200_000);
    const { active } = await setup({ delegate: { onMessageStart: () => got.sink } });
    const msg = active.send([patterned(200_000)], { size: 200_000, contentType: 'application/octet-stream', failureReport: 'partial', chunkSize: 10_000, window: 1 });
    await msg.done;
    expect(await got.ended).toBe('$');
    expect(msg.bytesAcknowledged).toBe(0);
  });

  it('fails the message with 413 from a receiver limit and ends the chunk in flight with #', async () => {
    const flags: string[] = [];
    const { active } = await setup({ maxMessageSize: 1000, delegate: { onMessageStart: () => ({ write: () => {}, end: (f) => { flags.push(f); } }) } });
    const size = 32 * 1024 * 1024;
    const msg = active.send(pieces(Buffer.alloc(size, 0x2d), 64 * 1024), { size, contentType: 'application/octet-stream', chunkSize: size });
    await expect(msg.done).rejects.toMatchObject({ code: 'ERR_MSRP_STATUS', status: 413 });
    expect(msg.bytesSent).toBeLessThanOrEqual(size);
  });

  it('413 when the body grows beyond the limit without a declared total', async () => {
    const { passiveEp } = await setup();
    const session = passiveEp.createSession({ maxMessageSize: 3, delegate: { onMessageStart: () => memorySink(10).sink } });
    const client = await rawClient(passiveEp.port);
    client.socket.write(`MSRP bbbb1111 SEND\r\nTo-Path: ${formatMsrpPath([session.localUri])}\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\nMessage-ID: m2\r\nByte-Range: 1-*/*\r\nContent-Type: text/plain\r\n\r\nabcdef\r\n-------bbbb1111$\r\n`);
    const [res] = await client.responses(1);
    expect(res?.head.kind === 'response' && res.head.status).toBe(413);
  });

  it('answers 481 for an unknown session, 501 for an unknown method, 506 for a second connection, 400 for bad Byte-Range', async () => {
    const { passiveEp, passive } = await setup();
    const client = await rawClient(passiveEp.port);
    client.socket.write('MSRP cccc1111 SEND\r\nTo-Path: msrp://127.0.0.1:1/nosuchsession;tcp\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\n-------cccc1111$\r\n');
    client.socket.write(`MSRP cccc2222 SEND\r\nTo-Path: ${formatMsrpPath([passive.localUri])}\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\n-------cccc2222$\r\n`);
    const fresh = passiveEp.createSession();
    client.socket.write(`MSRP cccc3333 FROB\r\nTo-Path: ${formatMsrpPath([fresh.localUri])}\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\n-------cccc3333$\r\n`);
    client.socket.write(`MSRP cccc4444 SEND\r\nTo-Path: ${formatMsrpPath([fresh.localUri])}\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\nMessage-ID: z\r\nByte-Range: 1-10/5\r\nContent-Type: text/plain\r\n\r\n\r\n-------cccc4444$\r\n`);
    const msgs = await client.responses(4);
    const statuses = msgs.map((m) => (m.head.kind === 'response' ? [m.head.transactionId, m.head.status] : []));
    expect(statuses).toEqual([['cccc1111', 481], ['cccc2222', 506], ['cccc3333', 501], ['cccc4444', 400]]);
    expect(msgs[0]!.head.headers.toPath[0]?.sessionId).toBe('q');
  });

  it('never answers a REPORT, even for an unknown session', async () => {
    const { passiveEp } = await setup();
    const client = await rawClient(passiveEp.port);
    client.socket.write('MSRP dddd1111 REPORT\r\nTo-Path: msrp://127.0.0.1:1/nosuch;tcp\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\nMessage-ID: x\r\nByte-Range: 1-1/1\r\nStatus: 000 200 OK\r\n-------dddd1111$\r\n');
    client.socket.write('MSRP dddd2222 SEND\r\nTo-Path: msrp://127.0.0.1:1/nosuch;tcp\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\n-------dddd2222$\r\n');
    const msgs = await client.responses(1);
    expect(msgs.map((m) => m.head.transactionId)).toEqual(['dddd2222']);
  });

  it('answers 400 to a malformed request and drops the connection', async () => {
    const { passiveEp } = await setup();
    const client = await rawClient(passiveEp.port);
    client.socket.write('MSRP eeee1111 SEND\r\nTo-Path: msrp://127.0.0.1:1/x;tcp\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\nGarbage\r\n');
    const [res] = await client.responses(1);
    expect(res?.head.kind === 'response' && res.head.status).toBe(400);
    await client.closed;
  });

  it('checks paths strictly (403) unless told to match session ids only', async () => {
    for (const matchSessionIdOnly of [false, true]) {
      const ep = await MsrpEndpoint.create();
      cleanups.push(() => ep.close());
      const got = memorySink(2);
      const session = ep.createSession({ matchSessionIdOnly, delegate: { onMessageStart: () => got.sink } });
      session.setRemotePath([{ scheme: 'msrp', host: '10.0.0.1', port: 5000, sessionId: 'peer', transport: 'tcp', params: [] }]);
      const client = await rawClient(ep.port);
      // An SBC rewrote host and port on both paths; the session ids survive.
      const to = `msrp://192.0.2.7:4444/${session.id};tcp`;
      client.socket.write(`MSRP ffff1111 SEND\r\nTo-Path: ${to}\r\nFrom-Path: msrp://198.51.100.1:7/peer;tcp\r\nMessage-ID: m\r\nByte-Range: 1-2/2\r\nContent-Type: text/plain\r\n\r\nhi\r\n-------ffff1111$\r\n`);
      const [res] = await client.responses(1);
      expect(res?.head.kind === 'response' && res.head.status).toBe(matchSessionIdOnly ? 200 : 403);
    }
  });

  it('fails an in-flight message when the connection drops', async () => {
    let writes = 0;
    const { active, passive } = await setup({ delegate: { onMessageStart: () => ({ write: () => { if (++writes === 3) passive.connection?.destroy(); }, end: () => {} }) } });
    const size = 4 * 1024 * 1024;
    const msg = active.send(pieces(Buffer.alloc(size, 1), 16 * 1024), { size, contentType: 'application/octet-stream', chunkSize: 16 * 1024, window: 4 });
    await expect(msg.done).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_MSRP_CONNECTION/) });
  });

  it('times out a chunk without response with a local 408 (injected clock)', async () => {
    const clock = createFakeClock();
    // The receiver's sink never finishes its write, so no 200 comes back.
    const { active } = await setup({ delegate: { onMessageStart: () => ({ write: () => new Promise<void>(() => {}), end: () => {} }) } }, { clock });
    const msg = active.send([Buffer.from('hello')], { size: 5, contentType: 'text/plain' });
    for (let i = 0; i < 100 && clock.pendingTimers() < 1; i++) await new Promise((r) => setTimeout(r, 5));
    clock.advance(60_000);
    await expect(msg.done).rejects.toMatchObject({ code: 'ERR_MSRP_TRANSACTION_TIMEOUT', status: 408 });
  });

  it('interleaves two messages on one session and aborts one with #', async () => {
    const ends = new Map<string, string>();
    const sinks = new Map<string, ReturnType<typeof memorySink>>();
    const order: string[] = [];
    const { active } = await setup({ delegate: { onMessageStart: (info) => {
      const s = memorySink(info.size ?? 0);
      sinks.set(info.messageId, s);
      return { write: (p, d) => { order.push(info.messageId); s.sink.write(p, d); }, end: (f) => { ends.set(info.messageId, f); s.sink.end(f); } };
    } } });
    const big = patterned(2_000_000, 3);
    const small = patterned(300_000, 4);
    const a = active.send(pieces(big, 10_000), { size: big.length, contentType: 'application/octet-stream', messageId: 'big1', chunkSize: 20_000, window: 2 });
    const b = active.send([small], { size: small.length, contentType: 'application/octet-stream', messageId: 'small1', chunkSize: 20_000, window: 2 });
    await Promise.all([a.done, b.done]);
    expect(sinks.get('big1')!.data.equals(big)).toBe(true);
    expect(sinks.get('small1')!.data.equals(small)).toBe(true);
    // The small message did not wait for the big one to finish.
    expect(order.indexOf('small1')).toBeLessThan(order.lastIndexOf('big1'));
    // Now abort a message midway.
    const slow = (async function* () { yield Buffer.alloc(1000, 7); await new Promise((r) => setTimeout(r, 50)); yield Buffer.alloc(1000, 7); })();
    const c = active.send(slow, { size: 2000, contentType: 'application/octet-stream', messageId: 'abort1', chunkSize: 1000 });
    for (let i = 0; i < 100 && !sinks.has('abort1'); i++) await new Promise((r) => setTimeout(r, 5));
    c.abort();
    await expect(c.done).rejects.toMatchObject({ code: 'ERR_MSRP_ABORTED' });
    await sinks.get('abort1')!.ended;
    expect(ends.get('abort1')).toBe('#');
  });

  it('hands every piece of a lending source back once it is on the socket', async () => {
    const body = patterned(3_000_000, 9);
    let released = 0;
    const source = Object.assign(pieces(body, 1_000_000), { release: (p: Uint8Array) => { released += p.byteLength; } });
    const got = memorySink(body.length);
    const { active } = await setup({ delegate: { onMessageStart: () => got.sink } });
    const msg = active.send(source, { size: body.length, contentType: 'application/octet-stream', chunkSize: 300_000 });
    await msg.done;
    expect(await got.ended).toBe('$');
    expect(got.data.equals(body)).toBe(true);
    for (let i = 0; i < 50 && released < body.length; i++) await new Promise((r) => setTimeout(r, 5));
    expect(released).toBe(body.length);
  });

  it('keeps at most windowBytes unacknowledged while the receiver holds its 200s back', async () => {
    const releases: (() => void)[] = [];
    const { active } = await setup({ delegate: { onMessageStart: () => ({
      // Every write applies backpressure until the test lets it go, so no 200 comes back early.
      write: () => new Promise<void>((r) => releases.push(r)), end: () => {},
    }) } });
    const size = 2_000_000;
    const msg = active.send([Buffer.alloc(size, 5)], { size, contentType: 'application/octet-stream', chunkSize: 100_000, windowBytes: 250_000 });
    for (let i = 0; i < 100 && msg.bytesSent < 300_000; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30));
    // Three 100 kB chunks fill a 250 kB window (the third one opens while 200 kB are out).
    expect(msg.bytesSent).toBe(300_000);
    expect(msg.bytesAcknowledged).toBe(0);
    const drain = setInterval(() => { for (const r of releases.splice(0)) r(); }, 2);
    await msg.done;
    clearInterval(drain);
    expect(msg.bytesAcknowledged).toBe(size);
  });

  it('delivers out-of-order and repeated chunks by Byte-Range', async () => {
    const { passiveEp } = await setup();
    const got = memorySink(6);
    const session = passiveEp.createSession({ delegate: { onMessageStart: () => got.sink } });
    const client = await rawClient(passiveEp.port);
    const head = (tid: string, range: string) => `MSRP ${tid} SEND\r\nTo-Path: ${formatMsrpPath([session.localUri])}\r\nFrom-Path: msrp://127.0.0.1:9/q;tcp\r\nMessage-ID: oo\r\nByte-Range: ${range}\r\nContent-Type: text/plain\r\n\r\n`;
    client.socket.write(`${head('gggg0003', '4-6/6')}def\r\n-------gggg0003$\r\n`);
    client.socket.write(`${head('gggg0001', '1-3/6')}abc\r\n-------gggg0001+\r\n`);
    client.socket.write(`${head('gggg0002', '1-3/6')}abc\r\n-------gggg0002+\r\n`);
    expect(await got.ended).toBe('$');
    expect(got.data.toString()).toBe('abcdef');
  });

  it('prints the throughput of a 256 MiB in-memory transfer', async () => {
    const size = 256 * 1024 * 1024;
    let received = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => { done = r; });
    const { active } = await setup({ delegate: { onMessageStart: () => ({ write: (_p, d) => { received += d.length; }, end: () => done() }) } });
    const block = Buffer.alloc(1024 * 1024, 0x61);
    const source = (function* () { for (let i = 0; i < size / block.length; i++) yield block; })();
    const t0 = performance.now();
    const msg = active.send(source, { size, contentType: 'application/octet-stream' });
    await msg.done;
    await finished;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`MSRP loopback: 256 MiB in ${seconds.toFixed(2)} s = ${(size / 1024 / 1024 / seconds).toFixed(0)} MiB/s (default chunk size and window), rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
    expect(received).toBe(size);
  });
});
