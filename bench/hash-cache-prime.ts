// `--hash-cache warm`: what a file sent again finds. The source gets a modification time a minute in
// the past (a file written moments before it is hashed is never stored: it may change again within
// the same timestamp tick), then its SHA-1, already known from writing it, goes into a hash cache
// folder the way a sender that hashed it would have left it.

import { stat, utimes } from 'node:fs/promises';
import { FileHashStore } from '../runtime/files/file-hash-store.ts';
import { formatHashDigest } from '../runtime/sdp/file-attribute-codecs.ts';

export async function primeHashCache(folder: string, sourcePath: string, sourceSha1Hex: string): Promise<string> {
  const past = new Date(Date.now() - 60_000);
  await utimes(sourcePath, past, past);
  const digest = formatHashDigest(Buffer.from(sourceSha1Hex, 'hex'));
  const store = new FileHashStore(folder);
  const info = await stat(sourcePath, { bigint: true });
  await store.remember(info, 'sha-1', { algorithm: 'sha-1', digest }, Date.now());
  if ((await store.lookup(info, 'sha-1'))?.digest !== digest) throw new Error(`cannot prime the hash cache in ${folder}`);
  return folder;
}
