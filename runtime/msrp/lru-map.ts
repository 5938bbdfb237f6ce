// A Map that keeps at most `capacity` entries, forgetting the least recently used one first.
// Used for per-session memory a peer can grow (Message-IDs we refused), so a hostile peer
// inventing ids costs a bounded amount of memory.

export class LruMap<K, V> {
  readonly capacity: number;
  readonly #entries = new Map<K, V>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LruMap capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number { return this.#entries.size; }

  /** The value, marking the key as most recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    // Map iteration follows insertion order: re-inserting moves the key to the young end.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean { return this.#entries.delete(key); }
  clear(): void { this.#entries.clear(); }
}
