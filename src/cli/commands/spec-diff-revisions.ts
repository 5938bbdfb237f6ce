// `cpm-ft spec diff --from REV [--to REV] [--format text|json]`: compares the rule sets of two git
// revisions (or REV and the work tree), field by field, and what each would generate.
import type { CliIo } from '../main.ts';

export async function specDiffRevisions(io: CliIo, from: string, to: string | undefined, format: 'text' | 'json'): Promise<number> {
  const { readSpecAt } = await import('../../../generator/diff/read-revision.ts');
  const { compareRevisions, formatRevisionDiff } = await import('../../../generator/diff/compare-revisions.ts');
  const { compileSpec } = await import('../../../generator/compile-spec.ts');
  const { generate } = await import('../../../generator/generate.ts');
  const { formatDiagnostics } = await import('../../../generator/diagnostics/format-diagnostic.ts');
  const side = async (rev: string | null, label: string) => {
    const inputs = await readSpecAt(io.cwd, rev);
    const result = compileSpec(inputs);
    if (result.ir === null) {
      io.stderr.write(`cpm-ft spec diff: the spec at ${label} does not compile:\n`);
      io.stderr.write(formatDiagnostics(result.diagnostics, new Map(inputs.map((i) => [i.path, i.text]))));
      return null;
    }
    return { label, ir: result.ir, files: generate(result.ir) };
  };
  let diff;
  try {
    const a = await side(from, from);
    const b = await side(to ?? null, to ?? 'work tree');
    if (a === null || b === null) return 1;
    diff = compareRevisions(a, b);
  } catch (error) {
    io.stderr.write(`cpm-ft spec diff: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : formatRevisionDiff(diff));
  return 0;
}
