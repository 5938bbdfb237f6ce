// Prints a coverage report as a table (statement, modality, rules, status, then the problems) or as JSON.
import type { CoverageReport } from './match-coverage.ts';

export function formatCoverageJson(report: CoverageReport, textPath: string): string {
  return `${JSON.stringify(
    {
      text: textPath,
      covered: report.covered,
      total: report.total,
      ok: report.ok,
      statements: report.statements.map((s) => ({ id: s.statement.id, clause: s.statement.clause, step: s.statement.step, modality: s.statement.modality, line: s.statement.line, text: s.statement.text, rules: s.rules.map((r) => r.id), status: s.status })),
      problems: report.problems,
      ...(report.notCounted.length > 0 ? { notCounted: report.notCounted } : {}),
    },
    null,
    2,
  )}\n`;
}

export function formatCoverageTable(report: CoverageReport, textPath: string): string {
  const rows = report.statements.map((s) => [s.statement.id, s.statement.modality, s.rules.map((r) => r.id).join(', ') || '-', s.status]);
  const head = ['statement', 'modality', 'rules', 'status'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const p of report.problems) {
    const where = p.location === null ? textPath : `${p.location.file}:${p.location.line}:${p.location.column}`;
    out.push(`${where}: ${p.severity}[${p.kind}]: ${p.message}`);
  }
  if (report.notCounted.length > 0) out.push(`not counted: ${report.notCounted.length} rules of RFC sections (${report.notCounted.join(', ')}), written from the RFC, not from this CR text`);
  const percent = report.total === 0 ? 100 : Math.floor((100 * report.covered) / report.total);
  out.push(`coverage: ${report.covered} of ${report.total} statements covered (${percent}%)${report.ok ? '' : ', problems above'}`);
  return `${out.join('\n')}\n`;
}
