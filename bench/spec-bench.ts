// Time to turn spec/ into generated/: read and compile the rules (generator/load-spec.ts) and emit
// every output file (generator/generate.ts), in memory. The type-check of the output is left out:
// it is TypeScript's time, not ours.

// The generator (ts-morph, peggy) is imported only when this stage runs, so the processes of the
// other stages, the baseline's included, do not carry it in their RSS.

export interface SpecBenchResult {
  readonly loadMs: number;
  readonly generateMs: number;
  readonly files: number;
  /** load + generate again in the same process (JIT warm, modules loaded). */
  readonly warmMs: number;
  /** The stage timings loadSpec reports (read, parse, validate ...). */
  readonly stages: Readonly<Record<string, number>>;
}

export async function runSpecBench(root: string): Promise<SpecBenchResult> {
  const { loadSpec } = await import('../generator/load-spec.ts');
  const { generate } = await import('../generator/generate.ts');
  const started = performance.now();
  const loaded = await loadSpec(root);
  const loadMs = performance.now() - started;
  if (loaded.ir === null) throw new Error('the spec has errors; run `cpm-ft spec check`');
  const generating = performance.now();
  const files = generate(loaded.ir);
  const generateMs = performance.now() - generating;
  const again = performance.now();
  const reloaded = await loadSpec(root);
  if (reloaded.ir !== null) generate(reloaded.ir);
  const warmMs = performance.now() - again;
  return { loadMs, generateMs, files: files.size, warmMs, stages: { ...loaded.timings } };
}
