// The sender's ranged source reads through the pooled FileBlockReader (runtime/files) and lends
// its buffers: the MSRP layer hands each piece back once written, so a few blocks serve a file.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rangedFileSource, type RangeWatch } from '../../../runtime/transfer/ranged-file-source.ts';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cpm-ft-ranged-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('rangedFileSource', () => {
  it('sends bytes start..size through a lending source whose blocks are reused once released', async () => {
    const size = 12 * 1024 * 1024 + 5;
    const data = randomBytes(size);
    const path = join(dir, 'f.bin');
    await writeFile(path, data);
    const watch: RangeWatch = {};
    const source = rangedFileSource({ path, size, start: 1024 * 1024 + 7 }, watch, 64 * 1024);
    const announced = size - 1024 * 1024 - 6;
    const release = (piece: Uint8Array): void => source.release(piece);
    // 12 MiB through a pool of 8 blocks only completes when release() gives them back.
    const hash = (await import('node:crypto')).createHash('sha1');
    let got = 0;
    for await (const piece of source as AsyncIterable<Uint8Array>) {
      hash.update(piece);
      got += piece.byteLength;
      release(piece);
    }
    expect(got).toBe(announced);
    const want = (await import('node:crypto')).createHash('sha1').update(data.subarray(1024 * 1024 + 6)).digest('hex');
    expect(hash.digest('hex')).toBe(want);
    expect(watch.shortRead).toBeUndefined();
  });

  it('a small file is read into buffers of its own size, not 1 MiB blocks', async () => {
    const path = join(dir, 'small.bin');
    const data = randomBytes(10 * 1024);
    await writeFile(path, data);
    const source = rangedFileSource({ path, size: data.length, start: 1 }, {}, 64 * 1024);
    const pieces: Uint8Array[] = [];
    for await (const piece of source as AsyncIterable<Uint8Array>) {
      pieces.push(piece);
      expect(piece.buffer.byteLength).toBeLessThanOrEqual(data.length);
      source.release(piece);
    }
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
  });

  it('a vanished file fails the read naming the file and the system error', async () => {
    const path = join(dir, 'gone.bin');
    const source = rangedFileSource({ path, size: 100, start: 1 }, {}, 64 * 1024);
    const read = async (): Promise<void> => { for await (const piece of source) void piece; };
    await expect(read()).rejects.toThrow(/cannot read .*gone\.bin after 0 of 100 bytes: .*ENOENT/);
  });
});
