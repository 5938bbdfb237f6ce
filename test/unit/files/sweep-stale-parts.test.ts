import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceivingWriter, TEMP_PART_NAME } from '../../../runtime/files/receiving-writer.ts';
import { DEFAULT_STALE_PART_AGE_MS, sweepStaleParts } from '../../../runtime/files/sweep-stale-parts.ts';

let folder: string;
let outside: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'cpm-sweep-'));
  outside = mkdtempSync(join(tmpdir(), 'cpm-sweep-outside-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const STALE = `.cpm-${'a1'.repeat(12)}.part`;
const FRESH = `.cpm-${'b2'.repeat(12)}.part`;
const hourAgo = (): Date => new Date(Date.now() - 60 * 60 * 1000);
/** Writes `name` in `dir` with its modification time an hour ago. */
function oldFile(dir: string, name: string, content = 'x'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  utimesSync(path, hourAgo(), hourAgo());
  return path;
}
const names = (): string[] => readdirSync(folder).sort();

describe('sweepStaleParts', () => {
  it('removes a writer part older than the safety age and keeps a fresh one', async () => {
    oldFile(folder, STALE, 'orphan');
    writeFileSync(join(folder, FRESH), 'in flight');
    const result = await sweepStaleParts(folder);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.removed).toEqual([{ path: join(folder, STALE), size: 6, ageMs: expect.any(Number) }]);
    expect(result.value.removed[0]?.ageMs).toBeGreaterThanOrEqual(DEFAULT_STALE_PART_AGE_MS);
    expect(result.value.failed).toEqual([]);
    expect(names()).toEqual([FRESH]);
  });

  it('honours maxAgeMs and the injected clock', async () => {
    writeFileSync(join(folder, FRESH), 'recent');
    const kept = await sweepStaleParts(folder, { maxAgeMs: 60_000 });
    expect(kept.ok && kept.value.removed).toEqual([]);
    expect(names()).toEqual([FRESH]);
    const later = await sweepStaleParts(folder, { maxAgeMs: 60_000, now: () => Date.now() + 120_000 });
    expect(later.ok && later.value.removed.map((r) => r.path)).toEqual([join(folder, FRESH)]);
    expect(names()).toEqual([]);
  });

  it('never removes resume partials or files not named exactly like a writer part', async () => {
    const others = [
      `.cpm-resume-${'c'.repeat(40)}.part`,
      'photo.jpg',
      '.cpm-abc.part',
      `.cpm-${'A1'.repeat(12)}.part`,
      `.cpm-${'a1'.repeat(12)}.part.bak`,
      `cpm-${'a1'.repeat(12)}.part`,
      `.cpm-${'a1'.repeat(13)}.part`,
    ];
    for (const name of others) oldFile(folder, name);
    const result = await sweepStaleParts(folder, { maxAgeMs: 0 });
    expect(result.ok && result.value.removed).toEqual([]);
    expect(names()).toEqual([...others].sort());
  });

  it('does not follow or remove a symlink named like a part, nor touch its target', async () => {
    const target = oldFile(outside, 'precious.bin', 'keep me');
    const link = `.cpm-${'d4'.repeat(12)}.part`;
    const dirLink = `.cpm-${'e5'.repeat(12)}.part`;
    symlinkSync(target, join(folder, link));
    symlinkSync(outside, join(folder, dirLink));
    const result = await sweepStaleParts(folder, { maxAgeMs: 0 });
    expect(result.ok && result.value.removed).toEqual([]);
    expect(names()).toEqual([link, dirLink].sort());
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(readdirSync(outside)).toEqual(['precious.bin']);
  });

  it('does not descend into subfolders', async () => {
    const sub = join(folder, 'nested');
    mkdirSync(sub);
    oldFile(sub, STALE);
    const result = await sweepStaleParts(folder, { maxAgeMs: 0 });
    expect(result.ok && result.value.removed).toEqual([]);
    expect(readdirSync(sub)).toEqual([STALE]);
  });

  it('skips the part of a live writer in this process even at age 0, and sweeps it once orphaned', async () => {
    const writer = await ReceivingWriter.create({ folder, offeredName: 'a.bin', expectedSize: 4 });
    await writer.write(Buffer.from('ab'));
    const name = writer.tempPath.slice(folder.length + 1);
    expect(name).toMatch(TEMP_PART_NAME);
    const live = await sweepStaleParts(folder, { maxAgeMs: 0 });
    expect(live.ok && live.value.removed).toEqual([]);
    expect(names()).toEqual([name]);
    await writer.abort();
    expect(names()).toEqual([]);
  });

  it('a missing folder has nothing to sweep; a negative age is refused', async () => {
    const missing = await sweepStaleParts(join(folder, 'nope'));
    expect(missing.ok && missing.value).toEqual({ removed: [], failed: [] });
    const bad = await sweepStaleParts(folder, { maxAgeMs: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('ERR_INVALID_ARG');
  });
});
