// A peer sending thousands of 1-byte chunks with a gap between each makes the receiver keep one
// byte range per chunk. The session caps the disjoint ranges of one message (maxRangesPerMessage):
// past the cap the chunk and every later one of that message is refused 413, quickly.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMsrpUri, MsrpEndpoint, MsrpParser, type MsrpSessionOptions } from '../../runtime/msrp/index.ts';
import { waitFor } from '../helpers/fuzz-raw-peers.ts';

const PEER = 'msrp://127.0.0.1:9/gappy;tcp';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function setup(options: Partial<MsrpSessionOptions> = {}) {
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => endpoint.close());
  let writes = 0;
  let ended: string | undefined;
  const session = endpoint.createSession({
    ...options,
    delegate: { onMessageStart: () => ({ write: () => { writes++; }, end: (flag) => { ended = flag; } }) },
  });
  const socket: Socket = connect({ host: '127.0.0.1', port: endpoint.port });
  cleanups.push(() => { socket.destroy(); });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const statuses = new Map<string, number>();
  const parser = new MsrpParser({ head: (h) => { if (h.kind === 'response') statuses.set(h.transactionId, h.status); }, body: () => {}, end: () => {} });
  socket.on('data', (d: Buffer) => { parser.feed(d); });
  return { to: formatMsrpUri(session.localUri), socket, statuses, writes: () => writes, ended: () => ended };
}

/** `count` SENDs of one byte each at positions 1, 3, 5, ... of a message of `total` bytes. */
function gappedChunks(to: string, count: number, total: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = 1 + 2 * i;
    parts.push(`MSRP g${i} SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${PEER}\r\nMessage-ID: gap\r\nByte-Range: ${at}-${at}/${total}\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n-------g${i}+\r\n`);
  }
  return Buffer.from(parts.join(''));
}

describe('MSRP: a message fragmented into many gapped ranges', () => {
  it('default cap (1024): 5000 gapped 1-byte chunks, those past the cap are answered 413, quickly', async () => {
    const peer = await setup();
    const count = 5000;
    const started = performance.now();
    peer.socket.write(gappedChunks(peer.to, count, 100_000));
    const done = await waitFor(() => (peer.statuses.size === count ? true : undefined), 10_000);
    const elapsed = performance.now() - started;
    expect(done).toBe(true);
    const answers = [...Array(count).keys()].map((i) => peer.statuses.get(`g${i}`));
    expect(answers.slice(0, 1024).every((s) => s === 200)).toBe(true);
    expect(answers.slice(1024).every((s) => s === 413)).toBe(true);
    expect(peer.writes()).toBe(1024);
    await expect.poll(peer.ended).toBe('#');
    // Generous bound for a loaded CI box; the uncapped version grew CPU as n^2 log n.
    expect(elapsed).toBeLessThan(5000);
  });

  it('a configured cap of 10: the 11th gapped chunk is refused 413 and so are later ones', async () => {
    const peer = await setup({ maxRangesPerMessage: 10 });
    peer.socket.write(gappedChunks(peer.to, 20, 1000));
    await waitFor(() => (peer.statuses.size === 20 ? true : undefined), 5000);
    const answers = [...Array(20).keys()].map((i) => peer.statuses.get(`g${i}`));
    expect(answers).toEqual([...Array(10).fill(200), ...Array(10).fill(413)]);
  });

  it('contiguous chunks merge and never hit the cap', async () => {
    const peer = await setup({ maxRangesPerMessage: 2 });
    const parts: string[] = [];
    for (let i = 0; i < 50; i++) {
      parts.push(`MSRP c${i} SEND\r\nTo-Path: ${peer.to}\r\nFrom-Path: ${PEER}\r\nMessage-ID: contig\r\nByte-Range: ${i + 1}-${i + 1}/50\r\nContent-Type: text/plain\r\n\r\nx\r\n-------c${i}${i === 49 ? '$' : '+'}\r\n`);
    }
    peer.socket.write(parts.join(''));
    await waitFor(() => (peer.statuses.size === 50 ? true : undefined), 5000);
    expect(new Set(peer.statuses.values())).toEqual(new Set([200]));
    await expect.poll(peer.ended).toBe('$');
  });
});
