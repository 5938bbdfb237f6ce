// Emits generated/trace.json: the static half of the trace (rules, generated code locations,
// generated test names). `cpm-ft trace` adds hand-written code locations and test results.
import { posix } from 'node:path';
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
  /** The CR statements the rule covers (`covers STEP "quote"`). */
  covers?: { step: string | null; quote: string }[];
  /** Its actions, so the trace can find the runtime code that carries each out. */
  actions?: { name: string; args: string[] }[];
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
  /** CR texts named by CRs (`text "path"`), repository-relative. */
  crTexts?: { cr: string; path: string }[];
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
    covers: (rule.covers ?? []).map((c) => ({ step: c.step, quote: c.quote })),
    actions: rule.actions.map((a) => ({ name: a.name, args: [...a.args] })),
  });
  const crTexts = ir.crs.flatMap((cr) =>
    cr.text === undefined || cr.text === null ? [] : [{ cr: cr.id, path: posix.normalize(posix.join(posix.dirname(cr.text.source.file), cr.text.path)) }],
  );
  const withRules = ir.rules.map((rule) => rule.clause).filter((id, i, all) => all.indexOf(id) === i);
  const clauses = withRules.map((id) => ({ id, title: ir.clauses.find((clause) => clause.id === id)?.title ?? '' }));
  const trace: StaticTrace = { generatedBy: generatedHeaderText(ir.sources), clauses, rules: ir.rules.map(entry), crTexts };
  return `${JSON.stringify(trace, null, 2)}\n`;
}
