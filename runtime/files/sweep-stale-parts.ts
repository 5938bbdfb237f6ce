// Removes the hidden temporary files a receiving process left behind when it died without cleaning
// up (SIGKILL, power loss). Only names exactly like a ReceivingWriter's temporary file qualify; the
// `.cpm-resume-*.part` partials kept for a file-range resume never match and stay. A file still
// written by a writer of this process is skipped, and a file modified within `maxAgeMs` is left
// alone too, because another process receiving into the same folder may be writing it.

import { lstat, readdir, unlink } from 'node:fs/promises';
import { CpmError, fail, ok, type Result } from '../errors.ts';
import { isLiveTempPart, TEMP_PART_NAME } from './receiving-writer.ts';
import { resolveInsideFolder } from './safe-file-name.ts';

/** Default safety age: a temporary file untouched for 10 minutes is not being received. */
export const DEFAULT_STALE_PART_AGE_MS = 10 * 60 * 1000;

export interface SweepStalePartsOptions {
  /** Minimum time since the last modification; default DEFAULT_STALE_PART_AGE_MS. 0 removes every orphan. */
  readonly maxAgeMs?: number;
  /** Clock in ms since the epoch (tests); default Date.now. */
  readonly now?: () => number;
}

export interface RemovedPart {
  readonly path: string;
  readonly size: number;
  /** Time since its last modification when it was removed. */
  readonly ageMs: number;
}

export interface SweepReport {
  readonly removed: readonly RemovedPart[];
  /** Parts that matched but could not be removed (EACCES, EBUSY ...). */
  readonly failed: ReadonlyArray<{ readonly path: string; readonly error: CpmError }>;
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;

/**
 * Removes stale writer temporary files directly inside `folder` (no recursion). Symbolic links and
 * anything but regular files are never touched, even when named like a part. A missing folder has
 * nothing to sweep; an unreadable one fails with ERR_FILE_READ.
 */
export async function sweepStaleParts(folder: string, options: SweepStalePartsOptions = {}): Promise<Result<SweepReport>> {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_STALE_PART_AGE_MS;
  if (!(maxAgeMs >= 0)) return fail(new CpmError('ERR_INVALID_ARG', `maxAgeMs must be >= 0, got ${String(maxAgeMs)}`));
  const now = options.now ?? Date.now;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (cause) {
    if (codeOf(cause) === 'ENOENT') return ok({ removed: [], failed: [] });
    return fail(new CpmError('ERR_FILE_READ', `cannot list ${folder}`, { cause, location: { source: folder } }));
  }
  const removed: RemovedPart[] = [];
  const failed: Array<{ path: string; error: CpmError }> = [];
  for (const name of names) {
    if (!TEMP_PART_NAME.test(name)) continue;
    const path = resolveInsideFolder(folder, name);
    if (!path.ok || isLiveTempPart(path.value)) continue;
    try {
      // lstat: a symbolic link is judged as itself, never by what it points to.
      const info = await lstat(path.value);
      if (!info.isFile()) continue;
      const ageMs = now() - info.mtimeMs;
      if (ageMs < maxAgeMs) continue;
      // unlink removes this directory entry only; it never follows a link.
      await unlink(path.value);
      removed.push({ path: path.value, size: info.size, ageMs });
    } catch (cause) {
      // Gone meanwhile: another receiver's sweep or the writer itself got there first.
      if (codeOf(cause) === 'ENOENT') continue;
      failed.push({ path: path.value, error: new CpmError('ERR_FILE_WRITE', `cannot remove the stale temporary file ${path.value}`, { cause, location: { source: path.value } }) });
    }
  }
  return ok({ removed, failed });
}
