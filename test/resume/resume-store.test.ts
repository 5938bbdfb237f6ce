// The JSON file behind a ResumeBook: load, atomic save after each change, merging with entries other
// processes wrote, and tolerance of a missing, corrupt or unwritable file.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResumeBook } from '../../runtime/transfer/resume-book.ts';
import { ResumeStore } from '../../runtime/transfer/resume-store.ts';
import type { Destination } from '../../runtime/transfer/destination.ts';
import type { PreparedFile } from '../../runtime/transfer/file-offer.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-resume-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bob: Destination = { kind: 'one-recipient', uri: 'sip:bob@127.0.0.1' };
const file = (name: string, size = 1000): PreparedFile => ({ path: `/data/${name}`, name, size, type: 'application/octet-stream', hash: { algorithm: 'sha-1', digest: 'AA:BB' }, modified: new Date(0) });
const read = (path: string): { version: number; entries: Record<string, number> } => JSON.parse(readFileSync(path, 'utf8')) as { version: number; entries: Record<string, number> };

describe('ResumeStore', () => {
  it('saves each change and a fresh book loads it back', async () => {
    const path = join(root, 'a', 'deep', 'resume.json');
    const warnings: string[] = [];
    const book = new ResumeBook();
    const store = await ResumeStore.attach(path, book, (m) => warnings.push(m));
    book.record(bob, file('x.bin'), 400);
    await store.flush();
    expect(Object.values(read(path).entries)).toEqual([401]);

    const again = new ResumeBook();
    const second = await ResumeStore.attach(path, again, (m) => warnings.push(m));
    expect(again.startOf(bob, file('x.bin'))).toBe(401);
    again.forget(bob, file('x.bin'));
    await second.close();
    expect(read(path)).toEqual({ version: 1, entries: {} });
    await store.close();
    expect(warnings).toEqual([]);
    // Only the state file: every temporary file was renamed over it.
    expect(readdirSync(join(root, 'a', 'deep'))).toEqual(['resume.json']);
  });

  it('keeps entries another process saved meanwhile', async () => {
    const path = join(root, 'shared.json');
    const mine = new ResumeBook();
    const theirs = new ResumeBook();
    const a = await ResumeStore.attach(path, mine, () => undefined);
    const b = await ResumeStore.attach(path, theirs, () => undefined);
    mine.record(bob, file('mine.bin'), 10);
    await a.flush();
    theirs.record(bob, file('theirs.bin'), 20);
    await b.flush();
    expect(Object.values(read(path).entries).sort()).toEqual([11, 21]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a missing file is an empty book without a warning; a corrupt one warns and is replaced on save', async () => {
    const warnings: string[] = [];
    const missing = new ResumeBook();
    await (await ResumeStore.attach(join(root, 'none.json'), missing, (m) => warnings.push(m))).close();
    expect(missing.size).toBe(0);
    expect(warnings).toEqual([]);

    for (const [name, text] of [['bad.json', '{"version":1,"entries":'], ['wrong.json', '[1,2]']] as const) {
      const path = join(root, name);
      writeFileSync(path, text);
      const book = new ResumeBook();
      const store = await ResumeStore.attach(path, book, (m) => warnings.push(m));
      expect(book.size).toBe(0);
      book.record(bob, file('y.bin'), 5);
      await store.close();
      expect(Object.values(read(path).entries)).toEqual([6]);
    }
    expect(warnings).toEqual([expect.stringMatching(/bad\.json is not valid JSON/), expect.stringMatching(/wrong\.json is not a version 1 resume file/)]);
  });

  it('an unwritable location warns instead of throwing', async () => {
    // A directory that is a regular file fails for every user, root included (unlike permissions).
    const path = join(root, 'plain', 'resume.json');
    writeFileSync(join(root, 'plain'), '');
    const warnings: string[] = [];
    const book = new ResumeBook();
    const store = await ResumeStore.attach(path, book, (m) => warnings.push(m));
    book.record(bob, file('z.bin'), 7);
    await store.close();
    expect(warnings).toEqual([
      expect.stringMatching(/^cannot read the resume state .*plain\/resume\.json: .*; starting without it$/),
      expect.stringMatching(/^cannot save the resume state .*plain\/resume\.json/),
    ]);
    expect(book.startOf(bob, file('z.bin'))).toBe(8);
  });
});
