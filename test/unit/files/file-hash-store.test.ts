// The on-disk SHA-1 cache shared by processes: a hit only for exactly the same file version, nothing
// trusted from an entry that does not match, bounded in size, and readFileMetadata skipping the
// hash pass on a hit.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileHashStore } from '../../../runtime/files/file-hash-store.ts';
import { readFileMetadata } from '../../../runtime/files/read-file-metadata.ts';
import { formatHashDigest } from '../../../runtime/sdp/file-attribute-codecs.ts';

let root: string;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cpm-hash-store-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sha1 = (data: Buffer): string => formatHashDigest(createHash('sha1').update(data).digest());
const FAKE = Array.from({ length: 20 }, () => 'AB').join(':');

/** A file last modified a minute ago (older than the racy window). */
function oldFile(name: string, bytes: number): { path: string; data: Buffer } {
  const path = join(root, name);
  const data = randomBytes(bytes);
  writeFileSync(path, data);
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
  return { path, data };
}

const info = (path: string) => stat(path, { bigint: true });

describe('FileHashStore', () => {
  it('gives back the hash of the same file version, from another store on the same folder', async () => {
    const { path, data } = oldFile('a.bin', 4096);
    const hash = { algorithm: 'sha-1', digest: sha1(data) };
    await new FileHashStore(join(root, 'cache'), { minBytes: 0 }).remember(await info(path), 'sha-1', hash, Date.now());
    expect(await new FileHashStore(join(root, 'cache'), { minBytes: 0 }).lookup(await info(path), 'sha-1')).toEqual(hash);
    expect(statSync(join(root, 'cache')).mode & 0o777).toBe(0o700);
  });

  it('misses once the file changed (new mtime or size), and for another algorithm', async () => {
    const store = new FileHashStore(join(root, 'cache'), { minBytes: 0 });
    const { path } = oldFile('b.bin', 4096);
    await store.remember(await info(path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    expect(await store.lookup(await info(path), 'sha-256')).toBeUndefined();
    const later = new Date(Date.now() - 30_000);
    utimesSync(path, later, later);
    expect(await store.lookup(await info(path), 'sha-1')).toBeUndefined();
  });

  it('does not store a file modified just before it was hashed, nor one below minBytes', async () => {
    const path = join(root, 'fresh.bin');
    writeFileSync(path, randomBytes(4096));
    const store = new FileHashStore(join(root, 'cache'), { minBytes: 0 });
    await store.remember(await info(path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    expect(await store.lookup(await info(path), 'sha-1')).toBeUndefined();
    const small = oldFile('small.bin', 100);
    const big = new FileHashStore(join(root, 'cache'));
    await big.remember(await info(small.path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    expect(await big.lookup(await info(small.path), 'sha-1')).toBeUndefined();
  });

  it('ignores an entry that is not JSON, names another file version, or holds a malformed digest', async () => {
    const folder = join(root, 'cache');
    const store = new FileHashStore(folder, { minBytes: 0 });
    const { path } = oldFile('c.bin', 4096);
    await store.remember(await info(path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    const [name] = readdirSync(folder);
    const entryPath = join(folder, name as string);
    const entry = JSON.parse(readFileSync(entryPath, 'utf8')) as Record<string, string>;
    const tampered: Array<string> = [
      'not json',
      JSON.stringify({ ...entry, ino: '1' }),
      JSON.stringify({ ...entry, size: '1' }),
      JSON.stringify({ ...entry, digest: 'AB:CD' }),
      JSON.stringify({ ...entry, digest: FAKE.toLowerCase() }),
      JSON.stringify({ ...entry, digest: 42 }),
      JSON.stringify({ ...entry, digest: FAKE, padding: 'x'.repeat(2000) }),
    ];
    for (const text of tampered) {
      writeFileSync(entryPath, text);
      expect(await store.lookup(await info(path), 'sha-1'), text.slice(0, 60)).toBeUndefined();
    }
  });

  it('keeps at most maxEntries entries, dropping the oldest', async () => {
    const folder = join(root, 'cache');
    const store = new FileHashStore(folder, { minBytes: 0, maxEntries: 5 });
    for (let i = 0; i < 8; i++) {
      const { path } = oldFile(`f${i}.bin`, 64);
      await store.remember(await info(path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    }
    const left = readdirSync(folder).filter((n) => n.endsWith('.json'));
    expect(left.length).toBeLessThanOrEqual(5);
    expect(left.length).toBeGreaterThan(0);
    expect(readdirSync(folder).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('forgetPath drops the entry of the file as it is now', async () => {
    const store = new FileHashStore(join(root, 'cache'), { minBytes: 0 });
    const { path } = oldFile('d.bin', 4096);
    await store.remember(await info(path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    await store.forgetPath(path);
    expect(await store.lookup(await info(path), 'sha-1')).toBeUndefined();
  });
});

describe('readFileMetadata with a hash store', () => {
  it('takes a stored hash without reading the file, and stores the hash of a file it had to read', async () => {
    const store = new FileHashStore(join(root, 'cache'), { minBytes: 0 });
    const hinted = oldFile('hinted.bin', 8192);
    await store.remember(await info(hinted.path), 'sha-1', { algorithm: 'sha-1', digest: FAKE }, Date.now());
    // The stored digest is not this file's: getting it back proves no hash pass ran.
    expect((await readFileMetadata(hinted.path, { hash: true, hashStore: store })).hash?.digest).toBe(FAKE);

    const read = oldFile('read.bin', 8192);
    expect((await readFileMetadata(read.path, { hash: true, hashStore: store })).hash?.digest).toBe(sha1(read.data));
    const other = new FileHashStore(join(root, 'cache'), { minBytes: 0 });
    expect((await other.lookup(await info(read.path), 'sha-1'))?.digest).toBe(sha1(read.data));
  });
});
