// The file-hash cache on disk, shared by every process of one user: a file sent again from a new
// process (a resend, a resume, the CLI run twice) finds the SHA-1 of the same file version there
// and skips the pre-hash pass (the whole file read and hashed before the offer can go out).
//
// One small JSON file per file version, named after a digest of its key (device, inode, size,
// modification time in nanoseconds, hash algorithm), written to a temporary name and renamed, so
// concurrent processes never read half an entry. An entry is used only when every key field in it
// equals the file's current stat, so a changed file (new mtime or size) misses. The digest it
// yields is a hint for the offer only: the receiver hashes what arrives and refuses a mismatch,
// so a damaged or forged entry can fail a transfer but never make a wrong file count as delivered.

import type { BigIntStats } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomHex } from '../random-token.ts';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';

/** Entries kept before the oldest are removed. */
const DEFAULT_MAX_ENTRIES = 1000;
/** Smaller files are hashed faster than an entry is read and written, so they are not stored. */
const DEFAULT_MIN_BYTES = 1024 * 1024;
/** An entry is a few hundred bytes; anything larger in the folder is not ours. */
const MAX_ENTRY_BYTES = 1024;
/** A file modified this shortly before it was hashed may change again within the same mtime tick. */
export const RACY_MS = 2000;

// RFC 4572 §5 hex pairs, as the offer carries them; the digest length each algorithm gives.
const DIGEST_BYTES: Record<string, number> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64, md5: 16 };
const HEX_PAIRS = /^[0-9A-F]{2}(?::[0-9A-F]{2})*$/;

export interface FileHashStoreOptions {
  readonly maxEntries?: number;
  readonly minBytes?: number;
}

interface Entry {
  readonly v: 1;
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly algorithm: string;
  readonly digest: string;
}

const keyFields = (info: BigIntStats, algorithm: string): Omit<Entry, 'digest'> => ({
  v: 1, dev: String(info.dev), ino: String(info.ino), size: String(info.size), mtimeNs: String(info.mtimeNs), algorithm,
});

const entryName = (key: Omit<Entry, 'digest'>): string =>
  `${createHash('sha256').update(`${key.dev}:${key.ino}:${key.size}:${key.mtimeNs}:${key.algorithm}`).digest('hex').slice(0, 40)}.json`;

const validDigest = (algorithm: string, digest: unknown): digest is string =>
  typeof digest === 'string' && HEX_PAIRS.test(digest) && (digest.length + 1) / 3 === DIGEST_BYTES[algorithm];

export class FileHashStore {
  readonly folder: string;
  readonly #maxEntries: number;
  readonly #minBytes: number;

  constructor(folder: string, options: FileHashStoreOptions = {}) {
    this.folder = folder;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#minBytes = Math.max(0, options.minBytes ?? DEFAULT_MIN_BYTES);
  }

  /** The stored hash of exactly this file version, or undefined (missing, stale, unreadable, malformed). */
  async lookup(info: BigIntStats, algorithm: string): Promise<FileHash | undefined> {
    if (info.size < BigInt(this.#minBytes)) return undefined;
    const key = keyFields(info, algorithm);
    let parsed: unknown;
    try {
      const text = await readFile(join(this.folder, entryName(key)), 'utf8');
      if (text.length > MAX_ENTRY_BYTES) return undefined;
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const entry = parsed as Record<string, unknown>;
    for (const [field, value] of Object.entries(key)) if (entry[field] !== value) return undefined;
    return validDigest(algorithm, entry['digest']) ? { algorithm, digest: entry['digest'] } : undefined;
  }

  /**
   * Stores `hash` for this file version unless the file was modified within RACY_MS before the hash
   * pass began (`hashedAtMs`). Never throws: a cache that cannot be written only costs a later hash.
   */
  async remember(info: BigIntStats, algorithm: string, hash: FileHash, hashedAtMs: number): Promise<void> {
    if (info.size < BigInt(this.#minBytes) || hashedAtMs - Number(info.mtimeMs) < RACY_MS) return;
    if (!validDigest(algorithm, hash.digest)) return;
    const key = keyFields(info, algorithm);
    const entry: Entry = { ...key, digest: hash.digest };
    const path = join(this.folder, entryName(key));
    const temp = join(this.folder, `.${randomHex(8)}.tmp`);
    try {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
      await writeFile(temp, JSON.stringify(entry), { mode: 0o600, flag: 'wx' });
      await rename(temp, path);
      await this.#prune();
    } catch {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Drops the entry of this file version (the receiver refused the hash it gave). Never throws. */
  async forget(info: BigIntStats, algorithm: string): Promise<void> {
    await unlink(join(this.folder, entryName(keyFields(info, algorithm)))).catch(() => undefined);
  }

  /** forget() for the file's current version, every algorithm. Never throws. */
  async forgetPath(path: string): Promise<void> {
    const info = await stat(path, { bigint: true }).catch(() => undefined);
    if (info === undefined) return;
    await Promise.all(Object.keys(DIGEST_BYTES).map((algorithm) => this.forget(info, algorithm)));
  }

  // Past maxEntries the least recently written entries go, down to nine tenths of the bound, so
  // that not every store after that pays for a listing and a removal.
  async #prune(): Promise<void> {
    const names = (await readdir(this.folder)).filter((n) => n.endsWith('.json'));
    if (names.length <= this.#maxEntries) return;
    const aged = await Promise.all(names.map(async (name) => {
      const info = await stat(join(this.folder, name)).catch(() => undefined);
      return { name, at: info?.mtimeMs ?? 0 };
    }));
    aged.sort((a, b) => a.at - b.at);
    const keep = Math.floor(this.#maxEntries * 0.9);
    await Promise.all(aged.slice(0, aged.length - keep).map(({ name }) => unlink(join(this.folder, name)).catch(() => undefined)));
  }
}
