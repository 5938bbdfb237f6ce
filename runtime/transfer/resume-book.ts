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

export class ResumeBook {
  readonly #next = new Map<string, number>();

  /** Records that bytes 1..`acknowledged` of `file` reached `destination`. */
  record(destination: Destination, file: PreparedFile, acknowledged: number): void {
    const key = fileKey(destination, file);
    if (acknowledged <= 0 || acknowledged >= file.size) {
      this.#next.delete(key);
      return;
    }
    this.#next.set(key, acknowledged + 1);
  }

  /** The 1-based byte to restart from, or undefined to send the whole file. */
  startOf(destination: Destination, file: PreparedFile): number | undefined {
    return this.#next.get(fileKey(destination, file));
  }

  forget(destination: Destination, file: PreparedFile): void {
    this.#next.delete(fileKey(destination, file));
  }

  get size(): number {
    return this.#next.size;
  }
}
