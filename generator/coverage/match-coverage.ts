// Joins a CR text's statements with the rules that say they cover them (`covers STEP "quote"`):
// a statement is covered when a rule of its clause names its step with a quote found in it, and
// the rule's modality is the statement's. Problems carry the spec location to point at.
import type { Modality, RuleIR, SourceLocation } from '../ir/types.ts';
import { collapse, modalityOf, statementKey, type CrStatement, type CrText } from './extract-statements.ts';

export type StatementStatus = 'covered' | 'uncovered' | 'modality-mismatch';

export interface StatementCoverage {
  statement: CrStatement;
  rules: { id: string; modality: Modality }[];
  status: StatementStatus;
}

export type CoverageProblemKind = 'uncovered-statement' | 'modality-mismatch' | 'quote-not-found' | 'rule-covers-nothing';

export interface CoverageProblem {
  kind: CoverageProblemKind;
  /** Warnings (a rule without `covers`) do not fail the coverage. */
  severity: 'error' | 'warning';
  message: string;
  /** The rule's covers field (or modality) in the spec; null for a statement no rule covers. */
  location: SourceLocation | null;
  rule: string | null;
  statement: string | null;
}

export interface CoverageReport {
  statements: StatementCoverage[];
  problems: CoverageProblem[];
  covered: number;
  total: number;
  ok: boolean;
  /**
   * Rules of RFC-section clauses (RFC5547-8 ...): written from the RFC, not from a CR text, so they
   * are not matched against it; listed so the report says so instead of leaving them out silently.
   */
  notCounted: string[];
}

export function matchCoverage(text: CrText, rules: readonly RuleIR[]): CoverageReport {
  const clauses = new Set(text.clauses.map((c) => c.id));
  const byStatement = new Map<string, { rule: RuleIR; location: SourceLocation }[]>();
  const problems: CoverageProblem[] = [];
  for (const rule of rules) {
    if (!clauses.has(rule.clause)) continue;
    const covers = rule.covers ?? [];
    if (covers.length === 0) {
      problems.push({ kind: 'rule-covers-nothing', severity: 'warning', message: `rule ${rule.id} names no statement of the CR text it belongs to (add \`covers STEP "quote"\`)`, location: rule.source, rule: rule.id, statement: null });
    }
    for (const cover of covers) {
      const key = statementKey(rule.clause, cover.step);
      const quote = collapse(cover.quote);
      const candidates = text.statements.filter((s) => s.clause === rule.clause && s.step === cover.step);
      const hit = candidates.find((s) => s.text.includes(quote));
      if (hit === undefined) {
        const step = text.steps.get(key);
        const where = step === undefined ? `the text has no ${cover.step === null ? `unnumbered statement in ${rule.clause}` : `step ${cover.step} in ${rule.clause}`}` : `it is not in the text of ${key}: "${step.text}"`;
        problems.push({ kind: 'quote-not-found', severity: 'error', message: `rule ${rule.id} quotes "${cover.quote}" from ${key}, but ${where}`, location: cover.source, rule: rule.id, statement: key });
        continue;
      }
      byStatement.set(hit.id, [...(byStatement.get(hit.id) ?? []), { rule, location: cover.source }]);
    }
  }
  const statements = text.statements.map((statement): StatementCoverage => {
    const covering = byStatement.get(statement.id) ?? [];
    let status: StatementStatus = covering.length === 0 ? 'uncovered' : 'covered';
    for (const { rule, location } of covering) {
      // A quote that itself carries a modal phrase states the modality the rule must have.
      const quoted = modalityOf(collapse(rule.covers?.find((c) => c.source === location)?.quote ?? ''));
      const expected = quoted ?? statement.modality;
      if (rule.modality !== expected) {
        status = 'modality-mismatch';
        problems.push({ kind: 'modality-mismatch', severity: 'error', message: `rule ${rule.id} is ${rule.modality}, but ${statement.id} of the CR text says ${expected}`, location, rule: rule.id, statement: statement.id });
      }
    }
    if (covering.length === 0) {
      problems.push({ kind: 'uncovered-statement', severity: 'error', message: `${statement.id} (${statement.modality}, text line ${statement.line}) has no rule: "${statement.text}"`, location: null, rule: null, statement: statement.id });
    }
    return { statement, rules: covering.map(({ rule }) => ({ id: rule.id, modality: rule.modality })).filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i), status };
  });
  const covered = statements.filter((s) => s.status === 'covered').length;
  const notCounted = rules.filter((r) => /^RFC[0-9]+-/.test(r.clause)).map((r) => r.id);
  return { statements, problems, covered, total: statements.length, ok: problems.every((p) => p.severity !== 'error'), notCounted };
}
