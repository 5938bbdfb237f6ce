// A ResumeBook kept in a JSON file, so a sender that runs once per send (the CLI) still knows, the
// next time, how many bytes of an interrupted file the peer acknowledged (RFC 5547 file-range
// resume needs that restart point on the sender's side). The file is advisory: a missing one is an
// empty book, a corrupt or unwritable one is reported through `warn` and otherwise ignored, so
// losing it only costs a full resend, never a failed run.
//
// Each save re-reads the file and applies only the entries this process changed, then writes a
// temporary file and renames it over the old one: a crash never leaves half a JSON document, and
// two sends sharing the file do not erase each other's entries (the last writer of one key wins).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResumeBook } from './resume-book.ts';

/** The file's shape; `version` lets a later format be told apart instead of misread. */
interface ResumeStateFile {
  readonly version: 1;
  /** Opaque ResumeBook key -> first byte to resend (1-based). */
  readonly entries: Record<string, number>;
}

export type ResumeStoreWarning = (message: string) => void;

const isCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === code;

/** The entries in `path`; empty when it is missing, and (with a warning) when it cannot be used. */
async function readEntries(path: string, warn: ResumeStoreWarning): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isCode(error, 'ENOENT')) warn(`cannot read the resume state ${path}: ${(error as Error).message}; starting without it`);
    return new Map();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    warn(`the resume state ${path} is not valid JSON (${(error as Error).message}); starting without it`);
    return new Map();
  }
  const entries = (parsed as Partial<ResumeStateFile> | null)?.entries;
  if ((parsed as Partial<ResumeStateFile> | null)?.version !== 1 || typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    warn(`the resume state ${path} is not a version 1 resume file; starting without it`);
    return new Map();
  }
  const result = new Map<string, number>();
  for (const [key, next] of Object.entries(entries)) {
    if (typeof next === 'number' && Number.isSafeInteger(next) && next > 1) result.set(key, next);
  }
  return result;
}

export class ResumeStore {
  readonly path: string;
  readonly #warn: ResumeStoreWarning;
  /** Keys changed since the last save: the new restart byte, or undefined for a removed entry. */
  readonly #dirty = new Map<string, number | undefined>();
  #saving: Promise<void> = Promise.resolve();
  #scheduled = false;
  #unsubscribe: () => void = () => undefined;

  private constructor(path: string, warn: ResumeStoreWarning) {
    this.path = path;
    this.#warn = warn;
  }

  /** Loads `path` into `book` and saves every later change of the book back to it. */
  static async attach(path: string, book: ResumeBook, warn: ResumeStoreWarning): Promise<ResumeStore> {
    const store = new ResumeStore(path, warn);
    book.restore(await readEntries(path, warn));
    store.#unsubscribe = book.onChange((key, next) => {
      store.#dirty.set(key, next);
      store.#schedule();
    });
    return store;
  }

  /** Resolves once every change so far is on disk (or was reported as unsavable). */
  async flush(): Promise<void> {
    // A save may have been scheduled behind the one in progress: wait until nothing is left.
    while (this.#scheduled || this.#dirty.size > 0) await this.#saving;
    await this.#saving;
  }

  /** Stops following the book after writing what is pending. */
  async close(): Promise<void> {
    this.#unsubscribe();
    await this.flush();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One save at a time, in order; changes arriving meanwhile are batched into the next one.
    this.#saving = this.#saving.then(async () => {
      this.#scheduled = false;
      await this.#save();
    });
  }

  async #save(): Promise<void> {
    if (this.#dirty.size === 0) return;
    const changes = [...this.#dirty];
    this.#dirty.clear();
    const entries = await readEntries(this.path, () => undefined);
    for (const [key, next] of changes) {
      if (next === undefined) entries.delete(key);
      else entries.set(key, next);
    }
    const state: ResumeStateFile = { version: 1, entries: Object.fromEntries(entries) };
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      this.#warn(`cannot save the resume state ${this.path}: ${(error as Error).message}`);
    }
  }
}
