// A small file's bytes, read once while it was hashed for its offer, handed to the first send of it.
// Reading a 10 KiB file twice (hash pass, then the send's block reader) cost the sender two opens,
// two closes, an fstat, extra reads (each a thread-pool round trip) and a FileHandle per file; what
// is sent from here is also exactly what was hashed. The bytes are given out once: a later send of
// the same prepared file (a resume, a re-offer) reads the file again, and nothing keeps them alive
// after the first send took them.

export class HeldContents {
  #bytes: Uint8Array | undefined;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The bytes, the first time only; undefined afterwards (or once dropped). */
  take(): Uint8Array | undefined {
    const bytes = this.#bytes;
    this.#bytes = undefined;
    return bytes;
  }

  /** Forgets the bytes without using them (a caller over its memory budget). */
  drop(): void {
    this.#bytes = undefined;
  }

  get held(): number {
    return this.#bytes?.byteLength ?? 0;
  }
}
