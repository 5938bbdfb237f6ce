// Streaming SHA-1 in the RFC 5547 hash-selector form (sha-1 over the whole file, RFC 4572 hex).

import { createHash, type Hash } from 'node:crypto';
import { CpmError } from '../errors.ts';
import { formatHashDigest, type FileHash } from '../sdp/file-attribute-codecs.ts';
import { closeFd, openFd, readAt } from './fd-io.ts';

export interface Sha1Hasher {
  /** Feeds the next bytes, in file order. The buffer may be reused once this returns. */
  update(data: Uint8Array): void;
  /** The finished hash; the hasher cannot be used afterwards. */
  digest(): FileHash;
}

export function createSha1Hasher(): Sha1Hasher {
  const hash = createHash('sha1');
  return {
    update: (data) => void hash.update(data),
    digest: () => ({ algorithm: 'sha-1', digest: formatHashDigest(hash.digest()) }),
  };
}

// RFC 5547 names hash algorithms by the IANA textual names (RFC 4572 §5); node uses its own.
const nodeAlgorithms: Record<string, string> = { 'sha-1': 'sha1', 'sha-224': 'sha224', 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512', md5: 'md5' };

function createFileHash(algorithm: string): Hash {
  const nodeName = nodeAlgorithms[algorithm];
  if (nodeName === undefined) throw new CpmError('ERR_FILE_HASH_ALGORITHM', `unsupported hash algorithm ${algorithm}`);
  return createHash(nodeName);
}

// Two reused 1 MiB buffers: a sixteenth of the reads (each a thread-pool round trip) that 64 KiB
// stream chunks cost, and no garbage per read. While one buffer is hashed on the main thread the
// thread pool reads into the other, so the pass costs about the hashing alone.
const HASH_READ_BYTES = 1024 * 1024;
const MIN_HINTED_READ_BYTES = 16 * 1024;

/**
 * Reads a file expected to hold `size` bytes in a single read (one byte more is asked for, so a
 * grown file shows). Undefined when the file no longer has that size: the caller then hashes it
 * the streaming way. For small files only: the whole file is in memory.
 */
export async function readWholeSmallFile(path: string, size: number): Promise<Uint8Array | undefined> {
  try {
    const fd = await openFd(path, 'r');
    try {
      // A buffer of its own (not a slice of node's shared pool): it may be kept until the send.
      const into = Buffer.allocUnsafeSlow(size + 1);
      const bytesRead = await readAt(fd, into, size + 1, 0);
      return bytesRead === size ? into.subarray(0, size) : undefined;
    } finally {
      await closeFd(fd);
    }
  } catch (cause) {
    throw new CpmError('ERR_FILE_READ', `cannot read ${path} for hashing`, { cause, location: { source: path } });
  }
}

/** The RFC 5547 hash of bytes already in memory. */
export function hashBytes(bytes: Uint8Array, algorithm = 'sha-1'): FileHash {
  return { algorithm, digest: formatHashDigest(createFileHash(algorithm).update(bytes).digest()) };
}

/**
 * Hashes a file by reading it through two reused buffers; memory use does not grow with the file.
 * `sizeHint` (the size the caller just saw in stat) sizes the buffers for a small file: two 1 MiB
 * buffers per 10 KiB file made garbage-collector work the largest cost of the sender in the
 * session-rate bench. A wrong hint only costs more reads.
 */
export async function hashFile(path: string, algorithm = 'sha-1', sizeHint?: number): Promise<FileHash> {
  const hash = createFileHash(algorithm);
  try {
    const fd = await openFd(path, 'r');
    try {
      // One byte more than the hint, so a file of exactly that size ends with a 0-byte read; never
      // below 16 KiB, so a hint far too small costs reads of 16 KiB, not of single bytes.
      const bytes = sizeHint === undefined || !(sizeHint >= 0) ? HASH_READ_BYTES : Math.min(HASH_READ_BYTES, Math.max(MIN_HINTED_READ_BYTES, Math.floor(sizeHint) + 1));
      let current = Buffer.allocUnsafe(bytes);
      let other = Buffer.allocUnsafe(bytes);
      let position = 0;
      let reading = readAt(fd, current, bytes, position);
      for (;;) {
        const bytesRead = await reading;
        if (bytesRead === 0) break;
        position += bytesRead;
        // Start the next read into the other buffer before hashing this one.
        reading = readAt(fd, other, bytes, position);
        hash.update(current.subarray(0, bytesRead));
        [current, other] = [other, current];
      }
    } finally {
      await closeFd(fd);
    }
  } catch (cause) {
    throw new CpmError('ERR_FILE_READ', `cannot read ${path} for hashing`, { cause, location: { source: path } });
  }
  return { algorithm, digest: formatHashDigest(hash.digest()) };
}
