// The receiver's resumable partial files (RFC 5547 file-range resume). When a file fails half-way
// the bytes received so far, from byte 1 without a gap, are kept in the target folder as a hidden
// `.cpm-resume-<key>.part`, never under the final name. The key is derived from the offered hash,
// name and size, so only an offer of the very same file can pick it up again; the final hash check
// over the whole file (ReceivingWriter.finalize) proves the stitched result.

import { createHash } from 'node:crypto';
import { link, open, stat, truncate, unlink } from 'node:fs/promises';
import { CpmError } from '../errors.ts';
import type { ReceivingWriter } from '../files/receiving-writer.ts';
import { resolveInsideFolder } from '../files/safe-file-name.ts';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';

/** What identifies a file across offers: the RFC 5547 file-selector parts. */
export interface PartialIdentity {
  readonly name: string;
  readonly size: number;
  readonly hash: FileHash;
}

const isCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === code;

/** A stable, file-system-safe key for one (hash, name, size). */
export function partialKey(identity: PartialIdentity): string {
  const text = `${identity.hash.algorithm.toLowerCase()}:${identity.hash.digest.toUpperCase()}\n${identity.name}\n${identity.size}`;
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, 32);
}

/** Where the partial of `identity` lives inside `folder`. */
export function partialPath(folder: string, identity: PartialIdentity): string {
  const resolved = resolveInsideFolder(folder, `.cpm-resume-${partialKey(identity)}.part`);
  if (!resolved.ok) throw resolved.error;
  return resolved.value;
}

/** Bytes 1..n kept for `identity`, 0 when there is no partial. */
export async function partialBytes(folder: string, identity: PartialIdentity): Promise<number> {
  try {
    const info = await stat(partialPath(folder, identity));
    return info.isFile() ? Math.min(info.size, identity.size) : 0;
  } catch {
    return 0;
  }
}

export async function removePartial(folder: string, identity: PartialIdentity): Promise<void> {
  await unlink(partialPath(folder, identity)).catch(() => undefined);
}

/**
 * Keeps bytes 1..`prefixEnd` of the writer's temporary file as the partial of `identity`. The
 * writer must have no write in flight; the caller aborts it afterwards (which removes only the
 * temporary name: the partial is a second link to the same data, cut to the gap-free prefix).
 */
export async function keepPartial(folder: string, identity: PartialIdentity, writer: ReceivingWriter, prefixEnd: number): Promise<number> {
  const target = partialPath(folder, identity);
  // Both are prefixes of the same file (same hash): the longer one is worth more.
  const kept = await partialBytes(folder, identity);
  if (kept >= prefixEnd) return kept;
  await unlink(target).catch(() => undefined);
  try {
    await link(writer.tempPath, target);
    await truncate(target, prefixEnd);
    return prefixEnd;
  } catch (cause) {
    await unlink(target).catch(() => undefined);
    if (isCode(cause, 'ENOENT')) return 0;
    throw new CpmError('ERR_FILE_WRITE', `cannot keep the partial file ${target}`, { cause });
  }
}

/** Copies bytes 1..`bytes` of the partial into a fresh writer, so a resumed file is hashed whole. */
export async function seedFromPartial(folder: string, identity: PartialIdentity, writer: ReceivingWriter, bytes: number): Promise<void> {
  const handle = await open(partialPath(folder, identity), 'r');
  try {
    for (let position = 0; position < bytes;) {
      // A fresh buffer per block: the writer keeps the bytes until they are on disk.
      const block = Buffer.allocUnsafe(Math.min(1024 * 1024, bytes - position));
      const { bytesRead } = await handle.read(block, 0, block.length, position);
      if (bytesRead === 0) throw new CpmError('ERR_FILE_READ', `the partial file ended after ${position} of ${bytes} bytes`);
      await writer.write(block.subarray(0, bytesRead), position + 1);
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
