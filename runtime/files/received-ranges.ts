// The set of byte ranges received so far, merged; 1-based inclusive like MSRP Byte-Range
// (RFC 4975 §7.1.1) so chunks that arrive out of order or overlap are accounted for once.

export interface ByteSpan {
  start: number;
  end: number;
}

/**
 * The one implementation used for both files (resume bookkeeping) and incoming MSRP messages.
 * add() is a binary search plus one splice, so a peer sending many gapped chunks costs
 * O(log n + n) per chunk rather than a rebuild and sort; callers bound n with `count`.
 */
export class ReceivedRanges {
  #spans: ByteSpan[] = [];
  #probes = 0;

  add(start: number, end: number): void {
    if (end < start) return;
    const spans = this.#spans;
    // Binary search for the first span that ends at or after start - 1 (touching spans merge).
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      this.#probes++;
      if ((spans[mid] as ByteSpan).end < start - 1) lo = mid + 1;
      else hi = mid;
    }
    const i = lo;
    let merged: ByteSpan = { start, end };
    let j = i;
    while (j < spans.length && (spans[j] as ByteSpan).start <= end + 1) {
      const s = spans[j] as ByteSpan;
      this.#probes++;
      merged = { start: Math.min(merged.start, s.start), end: Math.max(merged.end, s.end) };
      j++;
    }
    spans.splice(i, j - i, merged);
  }

  /** The last byte of the run that starts at byte 1 (0 while byte 1 has not arrived). */
  get prefixEnd(): number {
    const first = this.#spans[0];
    return first !== undefined && first.start === 1 ? first.end : 0;
  }

  /**
   * Stored spans add() has examined so far (binary-search steps plus spans merged): the work a
   * peer's chunks cost, counted rather than timed so the bound above can be checked exactly.
   */
  get probes(): number {
    return this.#probes;
  }

  /** Number of disjoint spans: what a peer sending gapped chunks grows. */
  get count(): number {
    return this.#spans.length;
  }

  /** Highest byte received so far, 0 when none. */
  get highest(): number {
    return this.#spans.at(-1)?.end ?? 0;
  }

  /** Total distinct bytes received. */
  get bytes(): number {
    return this.#spans.reduce((sum, s) => sum + s.end - s.start + 1, 0);
  }

  /**
   * True when exactly bytes 1..size arrived: every one of them and nothing beyond (size 0: nothing
   * received). Callers refuse bytes past a known total, so "nothing beyond" is what completion means.
   */
  covers(size: number): boolean {
    if (size === 0) return this.#spans.length === 0;
    const only = this.#spans[0];
    return this.#spans.length === 1 && only !== undefined && only.start === 1 && only.end === size;
  }

  /** The spans still missing up to `size`, e.g. to ask for a resume with file-range. */
  missing(size: number): ByteSpan[] {
    const gaps: ByteSpan[] = [];
    let next = 1;
    for (const s of this.#spans) {
      if (s.start > next) gaps.push({ start: next, end: Math.min(s.start - 1, size) });
      next = Math.max(next, s.end + 1);
    }
    if (next <= size) gaps.push({ start: next, end: size });
    return gaps.filter((g) => g.start <= g.end);
  }

  toArray(): ByteSpan[] {
    return this.#spans.map((s) => ({ ...s }));
  }
}
