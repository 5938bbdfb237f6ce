import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileChunks } from '../../../runtime/files/read-file-chunks.ts';
import { createSha1Hasher, hashFile } from '../../../runtime/files/sha1-hasher.ts';
import { readFileMetadata, SMALL_FILE_BYTES } from '../../../runtime/files/read-file-metadata.ts';
import { guessMimeType } from '../../../runtime/files/guess-mime-type.ts';
import { fileAttributeCodecs, formatHashDigest } from '../../../runtime/sdp/file-attribute-codecs.ts';

const folder = mkdtempSync(join(tmpdir(), 'cpm-read-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('readFileChunks', () => {
  const data = randomBytes(200_001);
  const path = join(folder, 'chunks.bin');
  writeFileSync(path, data);

  it('yields 1-based ranges through one reused buffer', async () => {
    const seen: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    let expectedStart = 1;
    for await (const chunk of readFileChunks(path, { chunkSize: 65_536 })) {
      expect(chunk.start).toBe(expectedStart);
      expect(chunk.end - chunk.start + 1).toBe(chunk.data.length);
      expectedStart = chunk.end + 1;
      buffers.add(chunk.data.buffer);
      seen.push(Buffer.from(chunk.data));
    }
    expect(Buffer.concat(seen).equals(data)).toBe(true);
    expect(seen.map((b) => b.length)).toEqual([65_536, 65_536, 65_536, 3393]);
    expect(buffers.size).toBe(1);
  });
  it('resumes from a file-range', async () => {
    const seen: Buffer[] = [];
    let first = 0;
    for await (const chunk of readFileChunks(path, { chunkSize: 1000, start: 150_001, stop: 151_500 })) {
      first ||= chunk.start;
      seen.push(Buffer.from(chunk.data));
    }
    expect(first).toBe(150_001);
    expect(Buffer.concat(seen).equals(data.subarray(150_000, 151_500))).toBe(true);
  });
  it('rejects a missing file and bad options with CpmErrors', async () => {
    await expect(readFileChunks(join(folder, 'nope')).next()).rejects.toMatchObject({ code: 'ERR_FILE_READ' });
    await expect(readFileChunks(path, { start: 0 }).next()).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });
});

describe('hashing', () => {
  it('hashFile and the incremental hasher agree with node:crypto in RFC 5547 form', async () => {
    const data = randomBytes(123_457);
    const path = join(folder, 'h.bin');
    writeFileSync(path, data);
    const expected = formatHashDigest(createHash('sha1').update(data).digest());
    const fromFile = await hashFile(path);
    expect(fromFile).toEqual({ algorithm: 'sha-1', digest: expected });
    expect(fileAttributeCodecs.hash.format(fromFile)).toMatch(/^sha-1:([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    const hasher = createSha1Hasher();
    for await (const chunk of readFileChunks(path, { chunkSize: 7000 })) hasher.update(chunk.data);
    expect(hasher.digest().digest).toBe(expected);
  });
  it('the empty file hashes to the well-known SHA-1', async () => {
    const path = join(folder, 'empty');
    writeFileSync(path, '');
    expect((await hashFile(path)).digest).toBe('DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09');
  });

  it('streams a 200 MiB file with bounded memory', async () => {
    const path = join(folder, 'big.bin');
    const block = randomBytes(1024 * 1024);
    const reference = createHash('sha1');
    const handle = await open(path, 'w');
    for (let i = 0; i < 200; i++) {
      block[0] = i; // make the blocks differ
      await handle.write(block);
      reference.update(block);
    }
    await handle.close();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
    try {
      const result = await hashFile(path);
      expect(result.digest).toBe(formatHashDigest(reference.digest()));
    } finally {
      clearInterval(timer);
      rmSync(path);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    // The whole file would be 200 MiB; a streamed hash should stay far below that.
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });
});

describe('metadata', () => {
  it('reports name, size, MIME type, mtime and optionally the hash', async () => {
    const path = join(folder, 'Holiday Photo.JPG');
    writeFileSync(path, Buffer.alloc(1234, 1));
    const mtime = new Date('2020-02-02T02:02:02Z');
    utimesSync(path, mtime, mtime);
    const meta = await readFileMetadata(path, { hash: true });
    expect(meta).toMatchObject({ name: 'Holiday Photo.JPG', size: 1234, mimeType: 'image/jpeg', modified: mtime });
    expect(meta.hash?.algorithm).toBe('sha-1');
    expect((await readFileMetadata(path)).hash).toBeUndefined();
    await expect(readFileMetadata(folder)).rejects.toMatchObject({ code: 'ERR_FILE_NOT_REGULAR' });
  });
  it('a small file hashed for an offer comes with the bytes that were hashed, handed out once', async () => {
    const data = randomBytes(10_240);
    const path = join(folder, 'small-held.bin');
    writeFileSync(path, data);
    const meta = await readFileMetadata(path, { hash: true });
    expect(meta.hash?.digest).toBe(formatHashDigest(createHash('sha1').update(data).digest()));
    expect(meta.contents?.held).toBe(data.length);
    // Changing the file afterwards does not change what was read with the hash.
    writeFileSync(path, Buffer.alloc(10_240, 7));
    const bytes = meta.contents?.take();
    expect(bytes !== undefined && Buffer.from(bytes).equals(data)).toBe(true);
    expect(meta.contents?.take()).toBeUndefined();
    expect(meta.contents?.held).toBe(0);
  });
  it('no bytes are kept for a file above the small-file size, an empty one, or one not hashed', async () => {
    const big = join(folder, 'big-not-held.bin');
    writeFileSync(big, randomBytes(SMALL_FILE_BYTES + 1));
    const bigMeta = await readFileMetadata(big, { hash: true });
    expect(bigMeta.hash?.digest).toBeDefined();
    expect(bigMeta.contents).toBeUndefined();
    const empty = join(folder, 'empty-not-held.bin');
    writeFileSync(empty, Buffer.alloc(0));
    const emptyMeta = await readFileMetadata(empty, { hash: true });
    expect(emptyMeta.hash?.digest).toBe(formatHashDigest(createHash('sha1').digest()));
    expect(emptyMeta.contents).toBeUndefined();
    const small = join(folder, 'small-no-hash.bin');
    writeFileSync(small, randomBytes(100));
    expect((await readFileMetadata(small)).contents).toBeUndefined();
  });
  it('guesses MIME types from a small table', () => {
    expect(guessMimeType('a.pdf')).toBe('application/pdf');
    expect(guessMimeType('archive.tar.gz')).toBe('application/gzip');
    expect(guessMimeType('noext')).toBe('application/octet-stream');
    expect(guessMimeType('.hidden')).toBe('application/octet-stream');
    expect(guessMimeType('weird.xyz123')).toBe('application/octet-stream');
  });
});

describe('hashFile and the file hash cache of readFileMetadata', () => {
  const sha1 = (data: Uint8Array): string => formatHashDigest(createHash('sha1').update(data).digest());

  it('a size hint smaller, equal or larger than the file still hashes all of it', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const path = join(folder, 'hinted.bin');
    writeFileSync(path, data);
    for (const hint of [0, 100, data.length, data.length + 5, undefined]) {
      expect((await hashFile(path, 'sha-1', hint)).digest, `hint ${hint}`).toBe(sha1(data));
    }
  });

  it('an unchanged old file is hashed once; a new size or mtime hashes again', async () => {
    const path = join(folder, 'resent.bin');
    const first = randomBytes(50_000);
    writeFileSync(path, first);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    expect((await readFileMetadata(path, { hash: true })).hash?.digest).toBe(sha1(first));
    // Same size and mtime restored: the cached hash is what comes back (the documented trade-off).
    const same = randomBytes(50_000);
    writeFileSync(path, same);
    utimesSync(path, old, old);
    expect((await readFileMetadata(path, { hash: true })).hash?.digest).toBe(sha1(first));
    // Another mtime: hashed again.
    const older = new Date(Date.now() - 120_000);
    utimesSync(path, older, older);
    expect((await readFileMetadata(path, { hash: true })).hash?.digest).toBe(sha1(same));
    // Another size: hashed again.
    const longer = randomBytes(50_001);
    writeFileSync(path, longer);
    utimesSync(path, older, older);
    expect((await readFileMetadata(path, { hash: true })).hash?.digest).toBe(sha1(longer));
  });

  it('a file modified just now is not remembered: rewriting it in the same second is seen', async () => {
    const path = join(folder, 'fresh.bin');
    const a = randomBytes(4096);
    writeFileSync(path, a);
    const now = new Date();
    utimesSync(path, now, now);
    expect((await readFileMetadata(path, { hash: true })).hash?.digest).toBe(sha1(a));
    const b = randomBytes(4096);
    writeFileSync(path, b);
    utimesSync(path, now, now);
    expect((await readFileMetadata(path, { hash: true })).hash?.digest).toBe(sha1(b));
  });
});
