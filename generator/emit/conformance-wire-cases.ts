// Picks, for each rule, event and branch, the situation a wire-level scenario must build and what
// must then be seen on the wire. The situation is the smallest set of true facts under which the
// rule is reached and the rules that depend on it (`fired(<rule>)` guards) fire too, so the
// rule's effect becomes observable; a "decided no" branch reuses the situation of its "yes" branch
// so only the decision differs. Expectations come from the IR: the rule's own actions must happen
// (or, decided no, must not happen, nor those of the rules depending on it), an otherwise-rule's
// target actions must not happen, and what fires instead of a declined rule must happen.
import type { RuleIR } from '../ir/types.ts';
import { caseTitlePrefix, casesPerBranch, expectedDecisions, isDefaultBranch, tookEffect, type Branch, type ConformanceCase } from './conformance-cases.ts';
import { guardFacts, prohibits, rulesForEvent, type EventRun } from './rule-semantics.ts';
import { evaluateSituation, runtimeCompletions, searchSituation, type Situation } from './search-situation.ts';
import { fixedAt, forcedFacts } from '../passes/forced-facts.ts';

type Fixed = Readonly<Record<string, boolean>>;

export interface WireExpectation {
  action: string;
  args: string[];
  /** true: the action must show on the wire; false: it must not. */
  present: boolean;
  /** The rule the expectation comes from. */
  rule: string;
}

/** A wire-level case; `facts`/`yes`/`expected` mean what they mean for handler-level cases. */
export interface WireCase extends ConformanceCase {
  kind: 'wire';
  /** The facts the rule's trigger and guard read at `event`, each with the value the situation gives it: the run must have seen exactly these. */
  held: Record<string, boolean>;
  /** Decision point -> answer, for the decision points consulted in this situation. */
  decide: Record<string, boolean>;
  expectations: WireExpectation[];
}

function guardNamesFired(guard: RuleIR['guard'], id: string): boolean {
  if (guard === null) return false;
  switch (guard.kind) {
    case 'fired':
      return guard.rule === id;
    case 'fact':
      return false;
    case 'not':
      return guardNamesFired(guard.operand, id);
    case 'and':
    case 'or':
      return guard.operands.some((g) => guardNamesFired(g, id));
    default:
      throw new Error(`internal error: unknown guard kind in the IR: ${JSON.stringify(guard satisfies never)}`);
  }
}

/** Rules of `event` whose guard (or trigger guard) names `fired(rule)`. */
function dependentsOf(involved: readonly RuleIR[], rule: RuleIR, event: string): RuleIR[] {
  return involved.filter((r) => guardNamesFired(r.guard, rule.id) || r.triggers.some((t) => t.event === event && guardNamesFired(t.guard, rule.id)));
}

/** Dependents, their dependents, and so on. */
function dependentsClosure(involved: readonly RuleIR[], rule: RuleIR, event: string): RuleIR[] {
  const out: RuleIR[] = [];
  const walk = (r: RuleIR): void => {
    for (const d of dependentsOf(involved, r, event)) {
      if (out.includes(d)) continue;
      out.push(d);
      walk(d);
    }
  };
  walk(rule);
  return out;
}

function decideMap(rules: readonly RuleIR[], run: EventRun, yes: readonly string[]): Record<string, boolean> {
  const decide: Record<string, boolean> = {};
  for (const id of run.consulted) {
    const point = rules.find((r) => r.id === id)?.decision;
    if (point != null) decide[point] = (decide[point] ?? false) || yes.includes(id);
  }
  return decide;
}

function actionsOf(rule: RuleIR, present: boolean): WireExpectation[] {
  return rule.actions.map((a) => ({ action: a.name, args: [...a.args], present, rule: rule.id }));
}

function dedupe(expectations: WireExpectation[]): WireExpectation[] {
  const seen = new Set<string>();
  return expectations.filter((e) => {
    const key = `${e.present}|${e.action}|${e.args.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(e: WireExpectation): string {
  return `${e.present ? '' : 'no '}${e.action}${e.args.length === 0 ? '' : ` ${e.args.join(' ')}`}`;
}

function findWireCase(rules: readonly RuleIR[], rule: RuleIR, event: string, branch: Branch, fixed: Fixed): WireCase | null {
  const involved = rulesForEvent(rules, event);
  const dependents = dependentsOf(involved, rule, event);
  const fires = (run: EventRun): boolean => tookEffect(run, rule) && dependents.every((d) => run.fired.has(d.id));
  // Where no other rule asks for one of the rule's actions, the action on the wire is the rule's own
  // doing: a runtime that ignores this rule (its mutant, `cpm-ft spec mutants`) is then seen to.
  // Checked over every fact set the runtime may complete the situation to (e.g. the destination a
  // scenario picks when the situation names none).
  const sharedIn = (run: EventRun): boolean => run.decisions.some((d) => d.rule !== rule.id && d.modality !== 'SHALL NOT' && rule.actions.some((a) => a.name === d.action && a.args.join(' ') === d.args.join(' ')));
  const own = (yes: readonly string[], holding: readonly string[]): boolean => {
    const completions = runtimeCompletions(holding);
    return completions.length > 0 && completions.every((facts) => !sharedIn(evaluateSituation(rules, event, facts, yes)));
  };
  // The observable situation: the rule and its direct dependents fire, preferably with its actions its own; failing that, the rule alone.
  const positive =
    searchSituation(rules, event, (run, yes, holding) => fires(run) && own(yes, holding), fixed) ??
    searchSituation(rules, event, fires, fixed) ??
    searchSituation(rules, event, (run, yes, holding) => tookEffect(run, rule) && own(yes, holding), fixed) ??
    searchSituation(rules, event, (run) => tookEffect(run, rule), fixed);
  let situation: Situation | null = positive;
  if (prohibits(rule)) return prohibitionCase(rules, rule, event, involved, dependents, fixed);
  // Never reached: a SHALL NOT rule it depends on keeps it from firing. It still gets its wire test:
  // where it would fire were that rule a SHALL, its actions must not show.
  if (positive === null) return branch === 'no' ? null : unreachableCase(rules, rule, event, involved, fixed);
  if (branch === 'no') {
    if (positive === null) return null;
    const yes = positive.yes.filter((id) => id !== rule.id);
    const run = evaluateSituation(rules, event, positive.facts, yes);
    situation = run.consulted.includes(rule.id) && !run.fired.has(rule.id) ? { facts: positive.facts, yes, run } : null;
  }
  if (situation === null) return null;
  const { run, facts, yes } = situation;
  const expectations: WireExpectation[] = [];
  if (branch === 'no') {
    expectations.push(...actionsOf(rule, false));
    for (const d of dependentsClosure(involved, rule, event)) expectations.push(...actionsOf(d, false));
    // What fires instead once the rule is declined (an otherwise-branch, typically) must show.
    const before = positive?.run.fired ?? new Set<string>();
    for (const d of run.decisions) if (!before.has(d.rule)) expectations.push({ action: d.action, args: [...d.args], present: true, rule: d.rule });
  } else {
    // SHALL NOT: the prohibited actions must never show on the wire.
    for (const d of run.decisions) if (d.rule === rule.id) expectations.push({ action: d.action, args: [...d.args], present: !prohibits(rule), rule: d.rule });
    const target = rule.otherwiseOf === null ? undefined : rules.find((r) => r.id === rule.otherwiseOf);
    if (target !== undefined) expectations.push(...actionsOf(target, false));
  }
  const unique = dedupe(expectations);
  const expected = expectedDecisions(run, rule);
  const title = `${caseTitlePrefix(rule, branch, 'wire', event, facts)} shows ${unique.map(describe).join(', ')}`;
  const decide = decideMap(rules, run, yes);
  // The default branch of a SHOULD / SHOULD NOT rule leaves its point unanswered: the runtime's default is under test.
  if (rule.decision !== null && isDefaultBranch(rule, branch)) delete decide[rule.decision];
  return { kind: 'wire', rule, event, branch, facts, yes, expected, decide, expectations: unique, title, held: heldFacts(rule, event, facts) };
}

/**
 * SHALL NOT: the situation is the one where the action would be seen if the rule were a SHALL
 * (with the rules depending on it firing too, e.g. pending files queued for a re-INVITE), so the
 * test fails if the runtime performs it anyway. Expected: the prohibited actions and those of the
 * rules depending on the rule never show; what fires instead does.
 */
function prohibitionCase(rules: readonly RuleIR[], rule: RuleIR, event: string, involved: readonly RuleIR[], dependents: readonly RuleIR[], fixed: Fixed): WireCase | null {
  const asShall = rules.map((r) => (r === rule ? { ...r, modality: 'SHALL' as const } : r));
  const would = searchSituation(asShall, event, (run) => run.fired.has(rule.id) && dependents.every((d) => run.fired.has(d.id)), fixed)
    ?? searchSituation(asShall, event, (run) => run.fired.has(rule.id), fixed);
  if (would === null) return null;
  const run = evaluateSituation(rules, event, would.facts, would.yes);
  if (!tookEffect(run, rule)) return null;
  const expectations: WireExpectation[] = [...actionsOf(rule, false)];
  for (const d of dependentsClosure(involved, rule, event)) expectations.push(...actionsOf(d, false));
  for (const d of run.decisions) if (d.rule !== rule.id && !would.run.fired.has(d.rule)) expectations.push({ action: d.action, args: [...d.args], present: d.modality !== 'SHALL NOT', rule: d.rule });
  const unique = dedupe(expectations);
  const title = `${caseTitlePrefix(rule, 'only', 'wire', event, would.facts)} shows ${unique.map(describe).join(', ')}`;
  return { kind: 'wire', rule, event, branch: 'only', facts: would.facts, yes: would.yes, expected: expectedDecisions(run, rule), decide: decideMap(rules, run, would.yes), expectations: unique, title, held: heldFacts(rule, event, would.facts) };
}

/**
 * A rule no situation reaches because a SHALL NOT rule it depends on (`fired(...)`, directly or
 * through other rules) never counts as fired, e.g. 7.6.1-4.b once 7.6.1-4.a is SHALL NOT. The
 * situation is the one where it would fire were that rule a SHALL; expected: its actions and those
 * of the rules depending on it never show, what fires instead does. A rule unreachable for any other
 * reason gets no case, so the trace reports it missing.
 */
function unreachableCase(rules: readonly RuleIR[], rule: RuleIR, event: string, involved: readonly RuleIR[], fixed: Fixed): WireCase | null {
  for (const cause of involved.filter((r) => prohibits(r) && dependentsClosure(involved, r, event).includes(rule))) {
    const asShall = rules.map((r) => (r === cause ? { ...r, modality: 'SHALL' as const } : r));
    const would = searchSituation(asShall, event, (run) => run.fired.has(rule.id), fixed);
    if (would === null) continue;
    const run = evaluateSituation(rules, event, would.facts, would.yes);
    if (run.fired.has(rule.id)) continue;
    const expectations: WireExpectation[] = [...actionsOf(rule, false)];
    for (const d of dependentsClosure(involved, rule, event)) expectations.push(...actionsOf(d, false));
    for (const d of run.decisions) if (!would.run.fired.has(d.rule)) expectations.push({ action: d.action, args: [...d.args], present: d.modality !== 'SHALL NOT', rule: d.rule });
    const unique = dedupe(expectations);
    const title = `${caseTitlePrefix(rule, 'only', 'wire', event, would.facts)} shows ${unique.map(describe).join(', ')} (not reached while ${cause.id} is SHALL NOT)`;
    return { kind: 'wire', rule, event, branch: 'only', facts: would.facts, yes: would.yes, expected: expectedDecisions(run, rule), decide: decideMap(rules, run, would.yes), expectations: unique, title, held: heldFacts(rule, event, would.facts) };
  }
  return null;
}

/** The facts `rule` reads at `event` (its trigger guards for it, and its guard), each true when `facts` lists it. */
function heldFacts(rule: RuleIR, event: string, facts: readonly string[]): Record<string, boolean> {
  const read: string[] = [];
  for (const trigger of rule.triggers) if (trigger.event === event) guardFacts(trigger.guard, read);
  guardFacts(rule.guard, read);
  return Object.fromEntries(read.map((fact) => [fact, facts.includes(fact)]));
}

/** Every reachable wire case of every rule, in rule order then event order. */
export function conformanceWireCases(rules: readonly RuleIR[], events: readonly string[]): WireCase[] {
  const forced = forcedFacts(rules);
  return casesPerBranch(rules, events, (rule, event, branch) => findWireCase(rules, rule, event, branch, fixedAt(forced, event)));
}
