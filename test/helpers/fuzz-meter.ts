// Counts fuzz inputs per parser and measures the CPU time of each call: a call whose CPU time is
// over its budget is run again, up to three times, and fails the property only if it is over every
// time. That catches catastrophic regex backtracking and quadratic loops without timing asserts.
// Why CPU time rather than wall-clock time: a campaign on a loaded 2-core machine (load average over
// 20) failed on a wall-clock budget although no input was slow, because the process waited for a
// core for longer than the budget, retries included (the unmutated spec compiled in 700-1,100 ms
// against 471 ms). Waiting for a core costs no CPU time; super-linear work costs CPU time however
// idle or busy the machine is, so the budget still tells a backtracking input from a normal one.
// process.cpuUsage() covers the whole test process, so V8's helper threads count too (a concurrent
// collection during the call): the retries absorb that.
// Every input also counts towards the run's "hostile: N inputs tried" line, if its test passes.
import { tallyForCurrentTest } from './test-counters.ts';

/** CPU budget for one call: 250 ms, plus 1 s per 64 KiB of input. */
export const budgetMs = (bytes: number): number => 250 + (bytes / (64 * 1024)) * 1000;

/** CPU time (user + system) of this process, ms. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export class FuzzMeter {
  readonly #counts = new Map<string, number>();
  readonly #worst = new Map<string, { ms: number; bytes: number }>();

  /** Runs `fn` on an input of `bytes` bytes under the CPU budget; returns what `fn` returned. */
  run<T>(parser: string, bytes: number, fn: () => T): T {
    this.#counts.set(parser, (this.#counts.get(parser) ?? 0) + 1);
    tallyForCurrentTest('hostile');
    let start = cpuMs();
    let value = fn();
    let ms = cpuMs() - start;
    for (let retry = 0; ms > budgetMs(bytes); retry++) {
      if (retry === 3) throw new Error(`${parser}: ${ms.toFixed(0)} ms of CPU for a ${bytes}-byte input, four times over (budget ${budgetMs(bytes).toFixed(0)} ms)`);
      start = cpuMs();
      value = fn();
      ms = cpuMs() - start;
    }
    const worst = this.#worst.get(parser);
    if (worst === undefined || ms > worst.ms) this.#worst.set(parser, { ms, bytes });
    return value;
  }

  count(parser: string): number {
    return this.#counts.get(parser) ?? 0;
  }

  /** `fuzz: sip 4000 inputs: parseSipMessage 2000 (worst 1.2 ms CPU), ...`. */
  summary(area: string): string {
    const total = [...this.#counts.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.#counts].map(([name, n]) => `${name} ${n} (worst ${this.#worst.get(name)?.ms.toFixed(1) ?? '?'} ms CPU)`);
    return `fuzz: ${area} ${total} inputs: ${parts.join(', ')}`;
  }
}
