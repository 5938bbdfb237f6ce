// `cpm-ft spec coverage TEXT [--format text|json] [--cr FILE]...`: which rules cover each normative
// statement of a CR's plain text. Exit 0 when every statement is covered with the right modality
// and every quote is still in the text, 1 otherwise (or when the spec does not compile). Each CR
// whose own text covers the same clauses is compared with TEXT: the statements that changed since
// the revision it implements are listed (they do not change the exit code).
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
  const { changesSinceCrs, formatChangesSince } = await import('../../../generator/coverage/changed-since-cr.ts');
  const changedSince = await changesSinceCrs(result.ir, io.cwd, text, (path) => readFile(path, 'utf8'));
  if (format === 'json') {
    const json = JSON.parse(formatCoverageJson(report, textPath)) as Record<string, unknown>;
    io.stdout.write(`${JSON.stringify({ ...json, changedSince }, null, 2)}\n`);
  } else {
    io.stdout.write(formatCoverageTable(report, textPath));
    for (const line of formatChangesSince(changedSince)) io.stdout.write(`${line}\n`);
  }
  return report.ok ? 0 : 1;
}
