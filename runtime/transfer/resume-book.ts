// The sender's memory of interrupted files (RFC 5547 file-range resume). RFC 5547 lets the file
// sender, as offerer, say which range of the file a transfer carries; a push answerer only accepts
// or declines that m-line. So the sender is the one that must know where to restart: every MSRP 200
// to a SEND chunk (RFC 4975 §7.1) proves the peer got those bytes, and the count of acknowledged
// bytes at the failure is the restart point. The same file (path, hash, size) sent again to the same
// destination is then offered with a=file-range:<next>-<size>.

import type { Destination } from './destination.ts';
import type { PreparedFile } from './file-offer.ts';

function destinationKey(destination: Destination): string {
  switch (destination.kind) {
    case 'one-recipient': return `1:${destination.uri}`;
    case 'predefined-group': return `g:${destination.uri}`;
    case 'recipient-list': return `l:${destination.factory}:${[...destination.uris].sort().join(',')}`;
  }
}

const fileKey = (destination: Destination, file: PreparedFile): string =>
  `${destinationKey(destination)}\n${file.path}\n${file.hash.algorithm}:${file.hash.digest}\n${file.size}`;

/** One changed entry: the restart byte, or undefined when the entry is gone. */
export type ResumeBookListener = (key: string, next: number | undefined) => void;

export class ResumeBook {
  readonly #next = new Map<string, number>();
  readonly #listeners = new Set<ResumeBookListener>();

  /** Records that bytes 1..`acknowledged` of `file` reached `destination`. */
  record(destination: Destination, file: PreparedFile, acknowledged: number): void {
    const key = fileKey(destination, file);
    if (acknowledged <= 0 || acknowledged >= file.size) {
      this.#delete(key);
      return;
    }
    if (this.#next.get(key) === acknowledged + 1) return;
    this.#next.set(key, acknowledged + 1);
    this.#changed(key, acknowledged + 1);
  }

  /** The 1-based byte to restart from, or undefined to send the whole file. */
  startOf(destination: Destination, file: PreparedFile): number | undefined {
    return this.#next.get(fileKey(destination, file));
  }

  forget(destination: Destination, file: PreparedFile): void {
    this.#delete(fileKey(destination, file));
  }

  /** Every entry as [opaque key, restart byte], for persisting the book (resume-store.ts). */
  entries(): Array<[string, number]> {
    return [...this.#next];
  }

  /** Puts back entries saved by entries(); invalid restart bytes are skipped. Not reported to listeners. */
  restore(entries: Iterable<readonly [string, number]>): void {
    for (const [key, next] of entries) {
      if (Number.isSafeInteger(next) && next > 1) this.#next.set(key, next);
    }
  }

  /** Called after every real change (not for a forget of an unknown file); returns the unsubscribe. */
  onChange(listener: ResumeBookListener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  #delete(key: string): void {
    if (this.#next.delete(key)) this.#changed(key, undefined);
  }

  #changed(key: string, next: number | undefined): void {
    for (const listener of this.#listeners) listener(key, next);
  }

  get size(): number {
    return this.#next.size;
  }
}
