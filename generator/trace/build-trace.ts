// Joins the static trace (generated/trace.json), the code locations found in the repository and
// the last test run into clause -> rule -> code -> test -> status.
import type { StaticTrace } from '../emit/emit-trace-json.ts';
import type { TestResult } from './read-test-results.ts';

export type TraceStatus = 'pass' | 'fail' | 'missing';
/** Handler-level tests drive a generated handler; wire-level ones run a scenario over real messages. */
export type TestKind = 'handler' | 'wire' | 'other';

export interface TraceTest {
  name: string;
  file: string;
  kind: TestKind;
  status: TraceStatus;
  /** The failure message of a failed run. */
  message?: string | null;
}

/** What the reviewer reads beside a rule: the CR statement it covers, and who runs each action. */
export interface TraceRuleDetails {
  /** quoteModality: the modal verb of the quote when it differs from the rule's (covers-modality-mismatch). */
  covers: { step: string | null; quote: string; statement: string | null; quoteModality?: string }[];
  actions: { name: string; args: string[]; executors: string[] }[];
}

export interface TraceRule {
  id: string;
  clause: string;
  modality: string;
  summary: string;
  cr: { id: string; revision: string } | null;
  code: string[];
  tests: TraceTest[];
  status: TraceStatus;
  covers: TraceRuleDetails['covers'];
  actions: TraceRuleDetails['actions'];
}

export interface TraceReport {
  clauses: { id: string; title: string }[];
  rules: TraceRule[];
}

/** True when a test title names the rule: it starts with the exact id, or carries the tag `[<id>]`. */
export function titleNamesRule(title: string, id: string): boolean {
  return title === id || title.startsWith(`${id} `) || title.includes(`[${id}]`);
}

export function testKind(title: string): TestKind {
  // The bracket names the branch of a decided rule (conformance-cases.ts branchName): MAY's
  // `decided yes|no`, SHOULD's `default: yes` / `declined`, SHOULD NOT's `default: no` / `opted in`.
  const match = /^\S+(?: \[(?:decided (?:yes|no)|default: (?:yes|no)|declined|opted in)\])? (handler|wire):/.exec(title);
  return match?.[1] === 'handler' ? 'handler' : match?.[1] === 'wire' ? 'wire' : 'other';
}

function statusOf(results: readonly TestResult[]): TraceStatus {
  if (results.some((r) => r.outcome === 'fail')) return 'fail';
  if (results.some((r) => r.outcome === 'pass')) return 'pass';
  return 'missing';
}

/**
 * A rule fails if any of its tests failed. Otherwise it passes only when it has wire-level tests and
 * every one of them passed: a handler that decides right proves nothing about the messages sent, so
 * handler-level tests alone (or a wire test that was not run) leave the rule missing.
 */
export function ruleStatus(tests: readonly TraceTest[]): TraceStatus {
  if (tests.some((t) => t.status === 'fail')) return 'fail';
  const wire = tests.filter((t) => t.kind === 'wire');
  if (wire.length > 0 && wire.every((t) => t.status === 'pass')) return 'pass';
  return 'missing';
}

/** `{ message }` for a failed run that left one; nothing otherwise (passing tests carry no message key). */
const failureOf = (runs: readonly TestResult[]): { message?: string } => {
  const message = runs.find((r) => r.outcome === 'fail')?.message;
  return typeof message === 'string' ? { message } : {};
};

export function buildTrace(
  trace: StaticTrace,
  code: ReadonlyMap<string, readonly string[]>,
  results: readonly TestResult[],
  details: ReadonlyMap<string, TraceRuleDetails> = new Map(),
): TraceReport {
  const rules = trace.rules.map((rule): TraceRule => {
    const tests: TraceTest[] = [];
    const key = (file: string, name: string): string => `${file}\u0000${name}`;
    const seen = new Set<string>();
    for (const test of rule.tests) {
      const runs = results.filter((r) => r.file === test.file && r.title === test.name);
      tests.push({ name: test.name, file: test.file, kind: testKind(test.name), status: statusOf(runs), ...failureOf(runs) });
      seen.add(key(test.file, test.name));
    }
    // Hand-written tests (wire-level scenarios, interop runs) count when their title names the rule.
    const extra = results.filter((r) => titleNamesRule(r.title, rule.id) && !seen.has(key(r.file, r.title)));
    const byName = new Map<string, TestResult[]>();
    for (const r of extra) byName.set(key(r.file, r.title), [...(byName.get(key(r.file, r.title)) ?? []), r]);
    for (const runs of [...byName.values()].sort((a, b) => (key(a[0]!.file, a[0]!.title) < key(b[0]!.file, b[0]!.title) ? -1 : 1))) {
      const first = runs[0]!;
      tests.push({ name: first.title, file: first.file, kind: testKind(first.title), status: statusOf(runs), ...failureOf(runs) });
    }
    const locations = new Set([...rule.code, ...(code.get(rule.id) ?? [])]);
    return {
      id: rule.id,
      clause: rule.clause,
      modality: rule.modality,
      summary: rule.summary,
      cr: rule.cr,
      code: [...locations].sort(comparePathLine),
      tests,
      status: ruleStatus(tests),
      covers: details.get(rule.id)?.covers ?? [],
      actions: details.get(rule.id)?.actions ?? [],
    };
  });
  return { clauses: trace.clauses, rules };
}

function comparePathLine(a: string, b: string): number {
  const [pa = '', la = '0'] = a.split(/:(?=\d+$)/);
  const [pb = '', lb = '0'] = b.split(/:(?=\d+$)/);
  return pa < pb ? -1 : pa > pb ? 1 : Number(la) - Number(lb);
}
