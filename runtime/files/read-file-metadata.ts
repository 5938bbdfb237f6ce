// What an offer needs to describe a file (RFC 5547 §5: name, type, size, optional hash and dates).

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CpmError } from '../errors.ts';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';
import { guessMimeType } from './guess-mime-type.ts';
import { hashFile } from './sha1-hasher.ts';

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
}

export async function readFileMetadata(path: string, options: { hash?: boolean } = {}): Promise<FileMetadata> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new CpmError('ERR_FILE_READ', `cannot stat ${path}`, { cause, location: { source: path } });
  }
  if (!info.isFile()) throw new CpmError('ERR_FILE_NOT_REGULAR', `${path} is not a regular file`, { location: { source: path } });
  const name = basename(path);
  return {
    path,
    name,
    size: info.size,
    mimeType: guessMimeType(name),
    modified: info.mtime,
    created: info.birthtimeMs > 0 ? info.birthtime : undefined,
    hash: options.hash ? await hashFile(path) : undefined,
  };
}
