// Unit checks of the resume building blocks: the sender's ResumeBook and the receiver's resumable
// partial files (keyed by hash, name and size; the longer prefix wins; seeding a fresh writer).

import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ReceivingWriter } from '../../runtime/files/receiving-writer.ts';
import type { PreparedFile } from '../../runtime/transfer/file-offer.ts';
import { keepPartial, partialBytes, partialKey, partialPath, seedFromPartial, type PartialIdentity } from '../../runtime/transfer/resumable-partial.ts';
import { ResumeBook } from '../../runtime/transfer/resume-book.ts';
import { tempDir } from '../e2e/transfer-harness.ts';

const dirs: string[] = [];
afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }); });

const prepared = (over: Partial<PreparedFile> = {}): PreparedFile => ({
  path: '/data/a.bin', name: 'a.bin', size: 1000, type: 'application/octet-stream',
  hash: { algorithm: 'sha-1', digest: 'AA:BB' }, modified: new Date(0), ...over,
});

describe('ResumeBook', () => {
  const bob = { kind: 'one-recipient', uri: 'sip:bob@example.com' } as const;
  it('restarts after the acknowledged bytes, only for the same destination and file', () => {
    const book = new ResumeBook();
    book.record(bob, prepared(), 400);
    expect(book.startOf(bob, prepared())).toBe(401);
    expect(book.startOf({ kind: 'one-recipient', uri: 'sip:carol@example.com' }, prepared())).toBeUndefined();
    expect(book.startOf(bob, prepared({ hash: { algorithm: 'sha-1', digest: 'CC:DD' } }))).toBeUndefined();
    expect(book.startOf(bob, prepared({ size: 1001 }))).toBeUndefined();
    book.forget(bob, prepared());
    expect(book.size).toBe(0);
  });
  it('nothing or everything acknowledged leaves nothing to resume', () => {
    const book = new ResumeBook();
    book.record(bob, prepared(), 0);
    book.record(bob, prepared({ path: '/b' }), 1000);
    expect(book.size).toBe(0);
  });
});

describe('resumable partial files', () => {
  const identity: PartialIdentity = { name: 'x.bin', size: 4096, hash: { algorithm: 'sha-1', digest: '01:02' } };

  it('keys differ by hash, name and size and stay inside the folder as hidden .part files', async () => {
    const dir = await tempDir('partial');
    dirs.push(dir);
    expect(new Set([
      partialKey(identity),
      partialKey({ ...identity, name: 'y.bin' }),
      partialKey({ ...identity, size: 4097 }),
      partialKey({ ...identity, hash: { algorithm: 'sha-1', digest: '01:03' } }),
    ]).size).toBe(4);
    expect(partialPath(dir, identity)).toMatch(new RegExp(`^${dir}/\\.cpm-resume-[0-9a-f]{32}\\.part$`));
  });

  it('keeps the gap-free prefix, keeps the longer of two, and seeds a fresh writer byte-exactly', async () => {
    const dir = await tempDir('partial');
    dirs.push(dir);
    const data = randomBytes(identity.size);
    const first = await ReceivingWriter.create({ folder: dir, offeredName: identity.name, expectedSize: identity.size });
    await first.write(data.subarray(0, 3000), 1);
    expect(await keepPartial(dir, identity, first, 3000)).toBe(3000);
    await first.abort();
    // A later, shorter attempt does not replace the longer prefix.
    const second = await ReceivingWriter.create({ folder: dir, offeredName: identity.name, expectedSize: identity.size });
    await second.write(data.subarray(0, 1000), 1);
    expect(await keepPartial(dir, identity, second, 1000)).toBe(3000);
    await second.abort();
    expect(await partialBytes(dir, identity)).toBe(3000);
    expect((await readFile(partialPath(dir, identity))).equals(data.subarray(0, 3000))).toBe(true);
    // Seed 1..2500 into a new writer, add the rest, and the whole file checks out.
    const resumed = await ReceivingWriter.create({ folder: dir, offeredName: identity.name, expectedSize: identity.size });
    await seedFromPartial(dir, identity, resumed, 2500);
    await resumed.write(data.subarray(2500), 2501);
    const done = await resumed.finalize({ size: identity.size });
    expect(done.ok).toBe(true);
    expect((await readFile(done.ok ? done.value.path : '')).equals(data)).toBe(true);
    expect((await readdir(dir)).filter((n) => !n.startsWith('.cpm-resume-'))).toEqual(['x.bin']);
  });
});
