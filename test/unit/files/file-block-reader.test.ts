import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBlockReader } from '../../../runtime/files/file-block-reader.ts';

const folder = mkdtempSync(join(tmpdir(), 'cpm-blocks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const data = randomBytes(100_003);
const path = join(folder, 'blocks.bin');
writeFileSync(path, data);

describe('FileBlockReader', () => {
  it('yields the file in blocks and reuses a released buffer', async () => {
    const reader = new FileBlockReader(path, { blockSize: 10_000, blocks: 3 });
    const seen: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    for await (const block of reader) {
      seen.push(Buffer.from(block));
      memory.add(block.buffer);
      // Hand the block back in two slices, as the MSRP layer does with chunk pieces.
      reader.release(block.subarray(0, 4000));
      reader.release(block.subarray(4000));
    }
    expect(Buffer.concat(seen).equals(data)).toBe(true);
    expect(seen.length).toBe(11);
    // One block being consumed, one read ahead: the pool never needs a third buffer.
    expect(memory.size).toBeLessThanOrEqual(2);
    expect(reader.blocksInUse).toBe(0);
  });

  it('reads a 1-based byte range (RFC 5547 file-range resume)', async () => {
    const reader = new FileBlockReader(path, { blockSize: 7000, start: 50_001, end: 60_000 });
    const seen: Buffer[] = [];
    for await (const block of reader) { seen.push(Buffer.from(block)); reader.release(block); }
    expect(Buffer.concat(seen).equals(data.subarray(50_000, 60_000))).toBe(true);
  });

  it('waits for a release when every buffer is lent out, and stops cleanly on return()', async () => {
    const reader = new FileBlockReader(path, { blockSize: 10_000, blocks: 2 });
    const it = reader[Symbol.asyncIterator]();
    const first = await it.next();
    const second = await it.next();
    expect(first.done === false && second.done === false).toBe(true);
    let third: IteratorResult<Buffer> | undefined;
    const pending = it.next().then((r) => { third = r; });
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBeUndefined();
    reader.release(first.value as Buffer);
    await pending;
    expect(third?.done).toBe(false);
    expect(Buffer.from(third?.value as Buffer).equals(data.subarray(20_000, 30_000))).toBe(true);
    // The buffer of block 1 now holds block 3: released memory is really reused.
    expect((third?.value as Buffer).buffer).toBe((first.value as Buffer).buffer);
    await it.return?.();
    expect((await it.next()).done).toBe(true);
  });

  it('reports a missing file as ERR_FILE_READ', async () => {
    const reader = new FileBlockReader(join(folder, 'nope.bin'));
    await expect(reader[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'ERR_FILE_READ' });
  });
});
