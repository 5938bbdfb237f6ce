// The sender's ranged source reads through the pooled FileBlockReader (runtime/files) and lends
// its buffers: the MSRP layer hands each piece back once written, so a few blocks serve a file.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MsrpSession } from '../../../runtime/msrp/msrp-session.ts';
import type { MessageSource, OutgoingMessage } from '../../../runtime/msrp/outgoing-message.ts';
import { rangedSession, type RangeWatch } from '../../../runtime/transfer/ranged-session.ts';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cpm-ft-ranged-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

/** A session stand-in that records what the data path would send. */
function capture(): { session: MsrpSession; sent: Array<{ source: MessageSource; size: number }> } {
  const sent: Array<{ source: MessageSource; size: number }> = [];
  const session = { send: (source: MessageSource, options: { size: number }) => { sent.push({ source, size: options.size }); return {} as OutgoingMessage; } };
  return { session: session as unknown as MsrpSession, sent };
}

describe('rangedSession', () => {
  it('sends bytes start..size through a lending source whose blocks are reused once released', async () => {
    const size = 12 * 1024 * 1024 + 5;
    const data = randomBytes(size);
    const path = join(dir, 'f.bin');
    await writeFile(path, data);
    const { session, sent } = capture();
    const watch: RangeWatch = {};
    rangedSession(session, { path, size, start: 1024 * 1024 + 7 }, watch).send([], { size, contentType: 'application/octet-stream' });
    const { source, size: announced } = sent[0] ?? expect.unreachable();
    expect(announced).toBe(size - 1024 * 1024 - 6);
    const release = (source as { release?: (piece: Uint8Array) => void }).release;
    expect(typeof release).toBe('function');
    // 12 MiB through a pool of 8 blocks only completes when release() gives them back.
    const hash = (await import('node:crypto')).createHash('sha1');
    let got = 0;
    for await (const piece of source as AsyncIterable<Uint8Array>) {
      hash.update(piece);
      got += piece.byteLength;
      release?.(piece);
    }
    expect(got).toBe(announced);
    const want = (await import('node:crypto')).createHash('sha1').update(data.subarray(1024 * 1024 + 6)).digest('hex');
    expect(hash.digest('hex')).toBe(want);
    expect(watch.shortRead).toBeUndefined();
  });

  it('a vanished file fails the read naming the file and the system error', async () => {
    const { session, sent } = capture();
    const path = join(dir, 'gone.bin');
    rangedSession(session, { path, size: 100, start: 1 }, {}).send([], { size: 100, contentType: 'application/octet-stream' });
    const source = sent[0]?.source as AsyncIterable<Uint8Array>;
    const read = async (): Promise<void> => { for await (const piece of source) void piece; };
    await expect(read()).rejects.toThrow(/cannot read .*gone\.bin after 0 of 100 bytes: .*ENOENT/);
  });
});
