// Emits generated/trace.json: the static half of the trace (rules, generated code locations,
// generated test names). `cpm-ft trace` adds hand-written code locations and test results.
import type { RuleIR, SpecIR } from '../ir/types.ts';
import { linesCarrying } from '../trace/rule-id-pattern.ts';
import type { ConformanceCase } from './conformance-cases.ts';
import { generatedHeaderText } from './generated-header.ts';

export interface StaticTraceRule {
  id: string;
  clause: string;
  step: string | null;
  modality: string;
  summary: string;
  cr: { id: string; revision: string } | null;
  code: string[];
  tests: { name: string; file: string }[];
}

export interface StaticTraceClause {
  id: string;
  title: string;
}

export interface StaticTrace {
  generatedBy: string;
  /** Clauses that carry rules, in spec order. */
  clauses: StaticTraceClause[];
  rules: StaticTraceRule[];
}

export function emitTraceJson(
  ir: SpecIR,
  files: ReadonlyMap<string, string>,
  testsByFile: ReadonlyMap<string, readonly ConformanceCase[]>,
): string {
  const paths = [...files.keys()].filter((path) => path.endsWith('.ts')).sort();
  const entry = (rule: RuleIR): StaticTraceRule => ({
    id: rule.id,
    clause: rule.clause,
    step: rule.step,
    modality: rule.modality,
    summary: rule.summary,
    cr: rule.cr === null ? null : { id: rule.cr.id, revision: rule.cr.revision },
    code: paths.flatMap((path) => linesCarrying(files.get(path) ?? '', rule.id, 'tag').map((line) => `${path}:${line}`)),
    tests: [...testsByFile].flatMap(([file, cases]) => cases.filter((c) => c.rule.id === rule.id).map((c) => ({ name: c.title, file }))),
  });
  const withRules = ir.rules.map((rule) => rule.clause).filter((id, i, all) => all.indexOf(id) === i);
  const clauses = withRules.map((id) => ({ id, title: ir.clauses.find((clause) => clause.id === id)?.title ?? '' }));
  const trace: StaticTrace = { generatedBy: generatedHeaderText(ir.sources), clauses, rules: ir.rules.map(entry) };
  return `${JSON.stringify(trace, null, 2)}\n`;
}
