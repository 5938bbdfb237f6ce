// What an offer needs to describe a file (RFC 5547 §5: name, type, size, optional hash and dates).

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CpmError } from '../errors.ts';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';
import { guessMimeType } from './guess-mime-type.ts';
import { cachedFileHash, rememberFileHash } from './file-hash-cache.ts';
import type { FileHashStore } from './file-hash-store.ts';
import { HeldContents } from './held-contents.ts';
import { hashBytes, hashFile, readWholeSmallFile } from './sha1-hasher.ts';

/**
 * Files up to this size that must be hashed are read in one go, and their bytes come back with the
 * metadata (`contents`) so that the send need not read them again.
 */
export const SMALL_FILE_BYTES = 64 * 1024;

export interface FileMetadata {
  path: string;
  name: string;
  size: number;
  mimeType: string;
  modified: Date;
  /** Only when the file system records it. */
  created: Date | undefined;
  /** Only when asked for: hashing reads the whole file. */
  hash: FileHash | undefined;
  /** The bytes that were hashed, when the file was small enough to be read in one go. */
  contents?: HeldContents;
}

export interface ReadFileMetadataOptions {
  /** Compute (or find) the SHA-1; without it the whole file is not read. */
  readonly hash?: boolean;
  /** Hashes of earlier processes (file-hash-store.ts), consulted after this process's own. */
  readonly hashStore?: FileHashStore;
}

export async function readFileMetadata(path: string, options: ReadFileMetadataOptions = {}): Promise<FileMetadata> {
  let info;
  try {
    info = await stat(path, { bigint: true });
  } catch (cause) {
    throw new CpmError('ERR_FILE_READ', `cannot stat ${path}`, { cause, location: { source: path } });
  }
  if (!info.isFile()) throw new CpmError('ERR_FILE_NOT_REGULAR', `${path} is not a regular file`, { location: { source: path } });
  const name = basename(path);
  const size = Number(info.size);
  let hash: FileHash | undefined;
  let contents: HeldContents | undefined;
  if (options.hash === true) {
    hash = cachedFileHash(info, 'sha-1') ?? await options.hashStore?.lookup(info, 'sha-1');
    if (hash === undefined) {
      const startedAt = Date.now();
      const bytes = size > 0 && size <= SMALL_FILE_BYTES ? await readWholeSmallFile(path, size) : undefined;
      if (bytes !== undefined) contents = new HeldContents(bytes);
      hash = bytes !== undefined ? hashBytes(bytes) : await hashFile(path, 'sha-1', size);
      rememberFileHash(info, 'sha-1', hash, startedAt);
      await options.hashStore?.remember(info, 'sha-1', hash, startedAt);
    }
  }
  return {
    path,
    name,
    size,
    mimeType: guessMimeType(name),
    modified: info.mtime,
    created: info.birthtimeMs > 0n ? info.birthtime : undefined,
    hash,
    ...(contents !== undefined ? { contents } : {}),
  };
}
