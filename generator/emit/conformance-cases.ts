// Picks, for each rule and branch, the smallest set of true facts (and decision answers) under
// which the rule is reached, by searching the rule semantics; the expected decisions come from the
// same reference semantics, so a generated handler that disagrees fails its test.
import type { RuleIR } from '../ir/types.ts';
import { rulesForEvent, type EventRun } from './rule-semantics.ts';
import { searchSituation } from './search-situation.ts';
import { fixedAt, forcedFacts } from '../passes/forced-facts.ts';

export type Branch = 'only' | 'yes' | 'no';

export interface ConformanceCase {
  rule: RuleIR;
  event: string;
  branch: Branch;
  /** Facts set to true; every other fact is false. */
  facts: string[];
  /** Rules whose decision point answers yes. */
  yes: string[];
  /** The decisions the rule under test must produce. */
  expected: { action: string; args: string[]; modality: string }[];
  title: string;
}

/** The decisions `rule` produced in `run`, as a conformance case expects them. */
export function expectedDecisions(run: EventRun, rule: RuleIR): ConformanceCase['expected'] {
  return run.decisions.filter((d) => d.rule === rule.id).map((d) => ({ action: d.action, args: d.args, modality: d.modality }));
}

/** How a branch of a decided rule is named: SHOULD / SHOULD NOT name their default branch. */
export function branchName(rule: RuleIR, branch: Exclude<Branch, 'only'>): string {
  if (rule.modality === 'SHOULD') return branch === 'yes' ? 'default: yes' : 'declined';
  if (rule.modality === 'SHOULD NOT') return branch === 'no' ? 'default: no' : 'opted in';
  return `decided ${branch}`;
}

/** The branch a SHOULD / SHOULD NOT rule takes when the application does not answer. */
export function isDefaultBranch(rule: RuleIR, branch: Branch): boolean {
  return (rule.modality === 'SHOULD' && branch === 'yes') || (rule.modality === 'SHOULD NOT' && branch === 'no');
}

/** The rule took effect in `run`: it fired, or (SHALL NOT) it put its prohibitions in place. */
export function tookEffect(run: EventRun, rule: RuleIR): boolean {
  return run.fired.has(rule.id) || run.decisions.some((d) => d.rule === rule.id);
}

/** The start of every conformance test title: the rule id first, so a failure names its rule. */
export function caseTitlePrefix(rule: RuleIR, branch: Branch, level: 'handler' | 'wire', event: string, facts: readonly string[]): string {
  const branchLabel = branch === 'only' ? '' : ` [${branchName(rule, branch)}]`;
  const when = facts.length === 0 ? '' : ` when ${facts.join(', ')}`;
  return `${rule.id}${branchLabel} ${level}: on ${event}${when}`;
}

/** Calls `find` for every rule, each event the rule takes part in, and each of its branches, in rule order then event order. */
export function casesPerBranch<T>(rules: readonly RuleIR[], events: readonly string[], find: (rule: RuleIR, event: string, branch: Branch) => T | null): T[] {
  const cases: T[] = [];
  for (const rule of rules) {
    const branches: Branch[] = rule.decision === null ? ['only'] : ['yes', 'no'];
    for (const event of events) {
      if (!rulesForEvent(rules, event).includes(rule)) continue;
      for (const branch of branches) {
        const found = find(rule, event, branch);
        if (found !== null) cases.push(found);
      }
    }
  }
  return cases;
}

function findCase(rules: readonly RuleIR[], rule: RuleIR, event: string, branch: Branch, fixed: Readonly<Record<string, boolean>>): ConformanceCase | null {
  const reached = (run: EventRun, yes: readonly string[]): boolean =>
    branch === 'no' ? run.consulted.includes(rule.id) && !yes.includes(rule.id) : tookEffect(run, rule);
  const situation = searchSituation(rules, event, reached, fixed);
  if (situation === null) return null;
  const { facts, yes, run } = situation;
  const expected = expectedDecisions(run, rule);
  const outcome = expected.length === 0 ? 'asks for nothing' : `asks for ${expected.map((d) => d.action).join(', ')}`;
  return { rule, event, branch, facts, yes, expected, title: `${caseTitlePrefix(rule, branch, 'handler', event, facts)} ${outcome}` };
}

/** Every reachable case of every rule, in rule order then event order. */
export function conformanceCases(rules: readonly RuleIR[], events: readonly string[]): ConformanceCase[] {
  const forced = forcedFacts(rules);
  return casesPerBranch(rules, events, (rule, event, branch) => findCase(rules, rule, event, branch, fixedAt(forced, event)));
}
