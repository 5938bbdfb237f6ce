// Counts what each source address holds (connections, handshakes, sessions) against a per-source
// bound, so that one address flooding cannot take every slot of a global limit and keep other
// addresses out. Keyed by the transport's source IP address, never by anything the peer writes.

export class PerSourceCount {
  readonly limit: number;
  readonly #counts = new Map<string, number>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** What `source` holds now. */
  held(source: string): number {
    return this.#counts.get(source) ?? 0;
  }

  /** Takes one slot for `source`; false (nothing taken) when it already holds `limit`. */
  take(source: string): boolean {
    const held = this.held(source);
    if (held >= this.limit) return false;
    this.#counts.set(source, held + 1);
    return true;
  }

  /** Gives back one slot taken by `source`. */
  give(source: string): void {
    const held = this.held(source);
    if (held <= 1) this.#counts.delete(source);
    else this.#counts.set(source, held - 1);
  }

  /** Sources holding anything, with their counts (diagnostics and tests). */
  snapshot(): ReadonlyMap<string, number> {
    return new Map(this.#counts);
  }
}
