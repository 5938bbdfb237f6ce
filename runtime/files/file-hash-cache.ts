// Remembers the SHA-1 of files this process hashed, keyed by what identifies one version of a file:
// device, inode, size and modification time in nanoseconds. Sending the same file again (a resend,
// a resume, a second recipient) then skips the pre-hash pass, ~0.5 s per GiB on the bench VM.
// A file changed without its size or mtime changing is not detected, the same trade-off as git's
// index; to keep the window small, a file modified less than RACY_MS before it was hashed is not
// remembered (a write in the same timestamp tick could still follow).

import type { BigIntStats } from 'node:fs';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';
import { LruMap } from '../msrp/lru-map.ts';

const MAX_ENTRIES = 1024;
const RACY_MS = 2000;

const cache = new LruMap<string, FileHash>(MAX_ENTRIES);

const keyOf = (info: BigIntStats, algorithm: string): string => `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${algorithm}`;

export function cachedFileHash(info: BigIntStats, algorithm: string): FileHash | undefined {
  return cache.get(keyOf(info, algorithm));
}

/** Remembers `hash` for this version of the file, unless it was modified just before `hashedAtMs`. */
export function rememberFileHash(info: BigIntStats, algorithm: string, hash: FileHash, hashedAtMs: number): void {
  if (hashedAtMs - Number(info.mtimeMs) < RACY_MS) return;
  cache.set(keyOf(info, algorithm), hash);
}
