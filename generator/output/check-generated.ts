// Compares the generated map with what is on disk, the way CI catches a stale committed output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listGeneratedFiles } from './list-generated-files.ts';

export interface GeneratedCheck {
  /** On disk with different content. */
  stale: string[];
  /** Produced but not on disk. */
  missing: string[];
  /** On disk under generated/ but no longer produced. */
  extra: string[];
}

export function isFresh(check: GeneratedCheck): boolean {
  return check.stale.length === 0 && check.missing.length === 0 && check.extra.length === 0;
}

export function checkGenerated(root: string, files: ReadonlyMap<string, string>, dir = 'generated'): GeneratedCheck {
  const onDisk = new Set(listGeneratedFiles(root, dir));
  const check: GeneratedCheck = { stale: [], missing: [], extra: [] };
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!onDisk.has(path)) check.missing.push(path);
    else if (readFileSync(join(root, path), 'utf8') !== text) check.stale.push(path);
  }
  for (const path of onDisk) if (!files.has(path)) check.extra.push(path);
  return check;
}
