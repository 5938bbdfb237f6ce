// `cpm-ft spec coverage TEXT [--format text|json] [--cr FILE]...`: which rules cover each normative
// statement of a CR's plain text. Exit 0 when every statement is covered with the right modality
// and every quote is still in the text, 1 otherwise (or when the spec does not compile).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../main.ts';

export async function specCoverage(io: CliIo, textPath: string, extraCrs: string[], format: 'text' | 'json'): Promise<number> {
  const { loadSpec } = await import('../../../generator/load-spec.ts');
  const { formatDiagnostics } = await import('../../../generator/diagnostics/format-diagnostic.ts');
  const { extractStatements } = await import('../../../generator/coverage/extract-statements.ts');
  const { matchCoverage } = await import('../../../generator/coverage/match-coverage.ts');
  const { formatCoverageJson, formatCoverageTable } = await import('../../../generator/coverage/format-coverage.ts');
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, textPath), 'utf8');
  } catch (error) {
    io.stderr.write(`cpm-ft spec coverage: cannot read ${textPath}: ${(error as Error).message}\n`);
    return 1;
  }
  let result;
  try {
    result = await loadSpec(io.cwd, { extraCrs });
  } catch (error) {
    io.stderr.write(`cpm-ft spec coverage: cannot read the spec: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr.write(formatDiagnostics(result.diagnostics, result.sources));
  if (result.ir === null) {
    io.stderr.write('cpm-ft spec coverage: the spec has errors (see `cpm-ft spec check`)\n');
    return 1;
  }
  const report = matchCoverage(extractStatements(text), result.ir.rules);
  io.stdout.write(format === 'json' ? formatCoverageJson(report, textPath) : formatCoverageTable(report, textPath));
  return report.ok ? 0 : 1;
}
