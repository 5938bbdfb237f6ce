// `cpm-ft spec mutants [--rule ID]... [--tests FILE]... [--format text|json]`: runs the generated
// conformance tests against runtime mutants of every rule of the effective spec and prints the
// per-rule mutation table (generator/mutants/). Exit 0 when no rule has a surviving mutant (every
// mutant killed, or argued equivalent in spec/equivalent-mutants.txt and really not killed), 1
// otherwise or when the tests fail with no mutant, 2 on a usage error. Needs a clone: it runs the
// repository's generated tests with vitest.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../main.ts';

export interface SpecMutantsOptions {
  readonly rules: readonly string[];
  readonly tests: readonly string[];
  readonly format: 'text' | 'json';
}

/** The generated conformance test files of the repository at `root`. */
function conformanceTests(root: string): string[] {
  const dir = join(root, 'generated', 'conformance');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.test.ts')).sort().map((n) => `generated/conformance/${n}`);
}

export async function specMutants(io: CliIo, options: SpecMutantsOptions): Promise<number> {
  const { loadSpec } = await import('../../../generator/load-spec.ts');
  const { formatDiagnostics } = await import('../../../generator/diagnostics/format-diagnostic.ts');
  const { listMutants } = await import('../../../generator/mutants/mutants.ts');
  const { readEquivalentMutants } = await import('../../../generator/mutants/equivalent-mutants.ts');
  const { runMutants } = await import('../../../generator/mutants/run-mutants.ts');
  const { formatMutationScore, scoreMutants } = await import('../../../generator/mutants/format-mutants.ts');

  const spec = await loadSpec(io.cwd, { extraCrs: [] });
  if (spec.ir === null) {
    io.stderr.write(formatDiagnostics(spec.diagnostics, spec.sources));
    io.stderr.write('cpm-ft spec mutants: the spec does not check; run `cpm-ft spec check`\n');
    return 1;
  }
  const known = new Set(spec.ir.rules.map((r) => r.id));
  const unknown = options.rules.filter((r) => !known.has(r));
  if (unknown.length > 0) {
    io.stderr.write(`cpm-ft spec mutants: no rule ${unknown.join(', ')} in the effective spec\n`);
    return 2;
  }
  const files = options.tests.length > 0 ? [...options.tests] : conformanceTests(io.cwd);
  const missing = files.filter((f) => !existsSync(join(io.cwd, f)));
  if (files.length === 0 || missing.length > 0) {
    io.stderr.write(`cpm-ft spec mutants: ${files.length === 0 ? 'no generated/conformance/*.test.ts (run `cpm-ft generate`)' : `no test file ${missing.join(', ')}`}\n`);
    return 2;
  }
  let listed;
  try {
    listed = await readEquivalentMutants(io.cwd);
  } catch (error) {
    io.stderr.write(`cpm-ft spec mutants: ${(error as Error).message}\n`);
    return 1;
  }
  const mutants = listMutants(spec.ir).filter((m) => options.rules.length === 0 || options.rules.includes(m.rule));
  // With a rule filter the list may name mutants of other rules: only those of the chosen rules count.
  const relevant = options.rules.length === 0 ? listed : listed.filter((e) => mutants.some((m) => m.id === e.id));
  const started = performance.now();
  const run = await runMutants({
    root: io.cwd,
    files,
    mutants,
    onResult: (r) => io.stderr.write(`  ${r.mutant.id}: ${r.killedBy.length > 0 ? 'killed' : 'survived'}\n`),
  });
  const score = scoreMutants(run.results, relevant);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ baselineFailures: run.baselineFailures, ...score, results: run.results }, null, 2)}\n`);
  } else {
    io.stdout.write(formatMutationScore(score, run.baselineFailures));
    io.stdout.write(`${mutants.length} mutants against ${files.join(', ')} in ${seconds} s\n`);
  }
  return run.baselineFailures.length === 0 && score.ok ? 0 : 1;
}
