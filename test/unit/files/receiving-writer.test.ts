import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceivingWriter } from '../../../runtime/files/receiving-writer.ts';
import { formatHashDigest, type FileHash } from '../../../runtime/sdp/file-attribute-codecs.ts';

let folder: string;
beforeEach(() => { folder = mkdtempSync(join(tmpdir(), 'cpm-writer-')); });
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const sha1 = (data: Uint8Array): FileHash => ({ algorithm: 'sha-1', digest: formatHashDigest(createHash('sha1').update(data).digest()) });
const tempFiles = (): string[] => readdirSync(folder).filter((f) => f.endsWith('.part'));

describe('ReceivingWriter', () => {
  it('writes into a hidden .part file and publishes it after the checks', async () => {
    const data = randomBytes(100_000);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'photo.jpg', expectedSize: data.length });
    expect(tempFiles()).toHaveLength(1);
    expect(tempFiles()[0]).toMatch(/^\..+\.part$/);
    for (let i = 0; i < data.length; i += 4096) await writer.write(data.subarray(i, i + 4096));
    expect(writer.receivedRanges()).toEqual([{ start: 1, end: 100_000 }]);
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.path).toBe(join(folder, 'photo.jpg'));
    expect(readFileSync(result.value.path).equals(data)).toBe(true);
    expect(tempFiles()).toEqual([]);
  });

  it('accepts out-of-order and overlapping Byte-Range chunks and tracks the ranges', async () => {
    const data = randomBytes(10_000);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'shuffled.bin', expectedSize: data.length });
    const pieces: Array<[number, number]> = [[7001, 10_000], [1, 2000], [4001, 7000]];
    await Promise.all(pieces.map(([s, e]) => writer.write(data.subarray(s - 1, e), s)));
    expect(writer.receivedRanges()).toEqual([{ start: 1, end: 2000 }, { start: 4001, end: 10_000 }]);
    expect(writer.missingRanges()).toEqual([{ start: 2001, end: 4000 }]);
    await writer.write(data.subarray(1500, 4500), 1501); // overlaps both sides
    expect(writer.receivedRanges()).toEqual([{ start: 1, end: 10_000 }]);
    expect(writer.receivedBytes).toBe(10_000);
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok).toBe(true);
    expect(readFileSync(join(folder, 'shuffled.bin')).equals(data)).toBe(true);
  });

  it('a hash mismatch leaves no final file and no temporary file', async () => {
    const data = randomBytes(5000);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'bad.bin' });
    await writer.write(data);
    const wrong = sha1(Buffer.from('something else'));
    const result = await writer.finalize({ size: data.length, hash: wrong });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('ERR_FILE_HASH_MISMATCH');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a size mismatch or a gap fails with ERR_FILE_SIZE_MISMATCH', async () => {
    const short = await ReceivingWriter.create({ folder, offeredName: 'short.bin' });
    await short.write(Buffer.alloc(10));
    const r1 = await short.finalize({ size: 11 });
    expect(r1.ok ? '' : r1.error.code).toBe('ERR_FILE_SIZE_MISMATCH');
    const gap = await ReceivingWriter.create({ folder, offeredName: 'gap.bin' });
    await gap.write(Buffer.alloc(10), 1);
    await gap.write(Buffer.alloc(10), 21);
    const r2 = await gap.finalize({ size: 30 });
    expect(r2.ok ? '' : r2.error.code).toBe('ERR_FILE_SIZE_MISMATCH');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses writes beyond the offered size and at offset 0', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'x.bin', expectedSize: 10 });
    await expect(writer.write(Buffer.alloc(5), 8)).rejects.toMatchObject({ code: 'ERR_FILE_RANGE' });
    await expect(writer.write(Buffer.alloc(5), 0)).rejects.toMatchObject({ code: 'ERR_FILE_RANGE' });
    await writer.abort();
  });

  it('never overwrites: picks name (1).ext, name (2).ext', async () => {
    writeFileSync(join(folder, 'report.pdf'), 'original');
    writeFileSync(join(folder, 'report (1).pdf'), 'original 1');
    const data = Buffer.from('new content');
    const writer = await ReceivingWriter.create({ folder, offeredName: 'report.pdf' });
    await writer.write(data);
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok && result.value.path).toBe(join(folder, 'report (2).pdf'));
    expect(readFileSync(join(folder, 'report.pdf'), 'utf8')).toBe('original');
    expect(readFileSync(join(folder, 'report (1).pdf'), 'utf8')).toBe('original 1');
    expect(readFileSync(join(folder, 'report (2).pdf'), 'utf8')).toBe('new content');
  });

  it('two writers finishing the same name at once both land, under different names', async () => {
    const a = Buffer.from('AAAA');
    const b = Buffer.from('BBBB');
    const wa = await ReceivingWriter.create({ folder, offeredName: 'same.txt' });
    const wb = await ReceivingWriter.create({ folder, offeredName: 'same.txt' });
    await Promise.all([wa.write(a), wb.write(b)]);
    const [ra, rb] = await Promise.all([wa.finalize({ size: 4, hash: sha1(a) }), wb.finalize({ size: 4, hash: sha1(b) })]);
    expect(ra.ok && rb.ok).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['same (1).txt', 'same.txt']);
  });

  it('a hostile offered name is published inside the folder', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: '../../../tmp/evil\0.sh' });
    await writer.write(Buffer.from('#!'));
    const result = await writer.finalize({ size: 2 });
    expect(result.ok && result.value.path).toBe(join(folder, 'evil.sh'));
  });

  it('abort removes the temporary file and later writes fail', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'gone.bin' });
    await writer.write(Buffer.alloc(1000));
    expect(existsSync(writer.tempPath)).toBe(true);
    await writer.abort();
    await writer.abort();
    expect(readdirSync(folder)).toEqual([]);
    await expect(writer.write(Buffer.alloc(1))).rejects.toMatchObject({ code: 'ERR_FILE_WRITE' });
    const late = await writer.finalize({ size: 1000 });
    expect(late.ok).toBe(false);
  });

  it('signals backpressure while writes are queued', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'bp.bin', highWaterMark: 64 * 1024 });
    const chunk = Buffer.alloc(32 * 1024, 7);
    const writes: Promise<void>[] = [];
    let sawDrain = false;
    for (let i = 0; i < 16; i++) {
      writes.push(writer.write(chunk));
      if (writer.needsDrain) {
        sawDrain = true;
        await writer.drained();
        expect(writer.pendingBytes).toBeLessThan(64 * 1024);
      }
    }
    await Promise.all(writes);
    expect(sawDrain).toBe(true);
    expect(writer.pendingBytes).toBe(0);
    const all = Buffer.concat(Array.from({ length: 16 }, () => chunk));
    const result = await writer.finalize({ size: all.length, hash: sha1(all) });
    expect(result.ok).toBe(true);
  });

  it('stages bytes in its own blocks: the caller may reuse its buffer at once, across block seams', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'staged.bin', expectedSize: data.length });
    const scratch = Buffer.alloc(100_000);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < data.length; i += scratch.length) {
      const n = data.copy(scratch, 0, i, Math.min(data.length, i + scratch.length));
      writes.push(writer.write(scratch.subarray(0, n), i + 1));
      scratch.fill(0xee); // overwritten before the disk write: must not reach the file
    }
    await Promise.all(writes);
    expect(writer.pendingBytes).toBe(0);
    expect(writer.receivedRanges()).toEqual([{ start: 1, end: data.length }]);
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok && readFileSync(result.value.path).equals(data)).toBe(true);
  });

  it('a write that does not continue the block being filled goes to its own block, in order', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'jumps.bin', expectedSize: 9 });
    const a = writer.write(Buffer.from('ghi'), 7);
    const b = writer.write(Buffer.from('XXX'), 1);
    const c = writer.write(Buffer.from('abcdef'), 1); // a repeated range: the later bytes win
    await Promise.all([a, b, c]);
    expect(writer.receivedRanges()).toEqual([{ start: 1, end: 9 }]);
    const result = await writer.finalize({ size: 9 });
    expect(result.ok && readFileSync(result.value.path, 'latin1')).toBe('abcdefghi');
  });

  it('abort settles the promise of a write still staged', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'staged-abort.bin' });
    const pending = writer.write(Buffer.alloc(10, 1));
    await writer.abort();
    await pending;
    expect(tempFiles()).toEqual([]);
  });
});

// workerHashMinBytes: 0 puts every file's SHA-1 on the worker thread (by default only files of
// 8 MiB and more), so these run the shared-block path on small inputs.
describe('ReceivingWriter with SHA-1 on the worker thread', () => {
  const onWorker = { workerHashMinBytes: 0 };

  it('hashes the blocks it writes, across 1 MiB block seams, and publishes the file', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 12_345);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'big.bin', expectedSize: data.length, ...onWorker });
    for (let i = 0; i < data.length; i += 65_536) {
      // The caller reuses its buffer at once: the writer's own blocks are what gets hashed.
      const piece = Buffer.from(data.subarray(i, i + 65_536));
      void writer.write(piece);
      piece.fill(0);
      if (writer.needsDrain) await writer.drained();
    }
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
    if (!result.ok) return;
    expect(result.value.hash).toEqual(sha1(data));
    expect(readFileSync(result.value.path).equals(data)).toBe(true);
    expect(writer.pendingBytes).toBe(0);
  });

  it('a wrong offered hash is still caught', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'bad.bin', expectedSize: data.length, ...onWorker });
    await writer.write(data);
    const result = await writer.finalize({ size: data.length, hash: sha1(Buffer.from('other bytes')) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('ERR_FILE_HASH_MISMATCH');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('chunks out of order end the worker stream; the file is hashed from disk instead', async () => {
    const data = randomBytes(1024 * 1024 + 5000);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'shuffled.bin', expectedSize: data.length, ...onWorker });
    await writer.write(data.subarray(600_000), 600_001);
    await writer.write(data.subarray(0, 600_000), 1);
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
    expect(readFileSync(join(folder, 'shuffled.bin')).equals(data)).toBe(true);
  });

  it('several writers at once each get their own hash', async () => {
    const files = [randomBytes(1_500_000), randomBytes(700_000), randomBytes(2_100_000)];
    const results = await Promise.all(files.map(async (data, n) => {
      const writer = await ReceivingWriter.create({ folder, offeredName: `f${n}.bin`, expectedSize: data.length, ...onWorker });
      for (let i = 0; i < data.length; i += 100_000) await writer.write(data.subarray(i, i + 100_000));
      return writer.finalize({ size: data.length, hash: sha1(data) });
    }));
    for (const [n, result] of results.entries()) {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.value.hash).toEqual(sha1(files[n]!));
    }
  });

  it('abort while blocks are being hashed removes the temporary file', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'gone.bin', expectedSize: 4 * 1024 * 1024, ...onWorker });
    const last = writer.write(randomBytes(3 * 1024 * 1024));
    await writer.abort();
    await last.catch(() => undefined);
    expect(readdirSync(folder)).toEqual([]);
    await expect(writer.write(Buffer.alloc(1))).rejects.toMatchObject({ code: 'ERR_FILE_WRITE' });
  });

  it('bounds the staging blocks in use, not only the bytes: scattered writes ask for a drain after a few blocks', async () => {
    // Each write that does not continue the previous one starts a new 1 MiB block, so a few
    // scattered bytes hold several MiB of blocks while almost no bytes are pending.
    const size = 64 * 1024 * 1024;
    const writer = await ReceivingWriter.create({ folder, offeredName: 'scattered.bin', expectedSize: size });
    const writes: Array<Promise<void>> = [];
    let blocks = 0;
    while (!writer.needsDrain && blocks < 64) writes.push(writer.write(Buffer.from([blocks & 0xff]), 1 + blocks++ * 2 * 1024 * 1024));
    expect(blocks).toBeLessThanOrEqual(8);
    expect(writer.pendingBytes).toBe(blocks);
    // The blocks come back once written; the writer is then ready for more.
    await writer.drained();
    expect(writer.needsDrain).toBe(false);
    await Promise.all(writes);
    expect(writer.receivedBytes).toBe(blocks);
    await writer.abort();
  });

  it('a scattered file still arrives intact through the bounded blocks', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const writer = await ReceivingWriter.create({ folder, offeredName: 'shuffled-big.bin', expectedSize: data.length });
    // Pieces of 100 000 bytes in reverse order, the caller honouring needsDrain as the session does.
    const starts: number[] = [];
    for (let i = 0; i < data.length; i += 100_000) starts.push(i);
    for (const at of starts.reverse()) {
      void writer.write(data.subarray(at, at + 100_000), at + 1);
      if (writer.needsDrain) await writer.drained();
    }
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok).toBe(true);
    if (result.ok) expect(readFileSync(result.value.path).equals(data)).toBe(true);
  });

  it('a deferred writer creates its temporary file with the first bytes, and an empty file at finalize', async () => {
    const data = randomBytes(10_000);
    const writer = await ReceivingWriter.deferred({ folder, offeredName: 'later.bin', expectedSize: data.length });
    expect(tempFiles()).toEqual([]);
    expect(writer.opened).toBe(false);
    await writer.write(data, 1);
    expect(writer.opened).toBe(true);
    expect(tempFiles()).toHaveLength(1);
    const result = await writer.finalize({ size: data.length, hash: sha1(data) });
    expect(result.ok).toBe(true);
    if (result.ok) expect(readFileSync(result.value.path).equals(data)).toBe(true);

    const empty = await ReceivingWriter.deferred({ folder, offeredName: 'empty.bin', expectedSize: 0 });
    const published = await empty.finalize({ size: 0, hash: sha1(new Uint8Array(0)) });
    expect(published.ok).toBe(true);
    if (published.ok) expect(readFileSync(published.value.path).length).toBe(0);

    // Aborted before any byte: nothing was created, nothing is left.
    await (await ReceivingWriter.deferred({ folder, offeredName: 'never.bin' })).abort();
    expect(tempFiles()).toEqual([]);
  });

  it('a deferred writer refuses a folder it cannot write into, and one that cannot create its file fails its writes with the system error as cause', async () => {
    await expect(ReceivingWriter.deferred({ folder: join(folder, 'gone'), offeredName: 'x.bin' })).rejects.toMatchObject({ code: 'ERR_FILE_WRITE', cause: { code: 'ENOENT' } });
    const sub = join(folder, 'later-gone');
    mkdirSync(sub);
    const writer = await ReceivingWriter.deferred({ folder: sub, offeredName: 'x.bin', expectedSize: 4 });
    rmSync(sub, { recursive: true });
    const error = await writer.write(Buffer.from('abcd'), 1).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_FILE_WRITE', cause: { code: 'ENOENT' } });
    expect((await writer.finalize({ size: 4 })).ok).toBe(false);
  });
});
