// Counts fuzz inputs per parser and times each call: a call slower than its budget is run again, up
// to three times (to rule out a GC pause or a busy machine), and fails the property only if it is
// slow every time.
// That catches catastrophic regex backtracking and quadratic loops without flaky timing asserts.
// Every input also counts towards the run's "hostile: N inputs tried" line, if its test passes.
import { tallyForCurrentTest } from './test-counters.ts';

/** Budget for one call: 250 ms, plus 1 s per 64 KiB of input. */
export const budgetMs = (bytes: number): number => 250 + (bytes / (64 * 1024)) * 1000;

export class FuzzMeter {
  readonly #counts = new Map<string, number>();
  readonly #worst = new Map<string, { ms: number; bytes: number }>();

  /** Runs `fn` on an input of `bytes` bytes under the time budget; returns what `fn` returned. */
  run<T>(parser: string, bytes: number, fn: () => T): T {
    this.#counts.set(parser, (this.#counts.get(parser) ?? 0) + 1);
    tallyForCurrentTest('hostile');
    let start = performance.now();
    let value = fn();
    let ms = performance.now() - start;
    // Up to three more tries: on a machine shared with other work a process can be descheduled
    // for longer than a budget twice in a row (a fuzz campaign saw 312 ms for a 4-byte SDP input),
    // while an input that is really slow (backtracking, quadratic) is slow every time.
    for (let retry = 0; ms > budgetMs(bytes); retry++) {
      if (retry === 3) throw new Error(`${parser}: ${ms.toFixed(0)} ms for a ${bytes}-byte input (budget ${budgetMs(bytes).toFixed(0)} ms)`);
      start = performance.now();
      value = fn();
      ms = performance.now() - start;
    }
    const worst = this.#worst.get(parser);
    if (worst === undefined || ms > worst.ms) this.#worst.set(parser, { ms, bytes });
    return value;
  }

  count(parser: string): number {
    return this.#counts.get(parser) ?? 0;
  }

  /** `fuzz: sip 4000 inputs (parseSipMessage 2000, ...)` with the slowest call per parser. */
  summary(area: string): string {
    const total = [...this.#counts.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.#counts].map(([name, n]) => `${name} ${n} (worst ${this.#worst.get(name)?.ms.toFixed(1) ?? '?'} ms)`);
    return `fuzz: ${area} ${total} inputs: ${parts.join(', ')}`;
  }
}
