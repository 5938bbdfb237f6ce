// The situation search both conformance case pickers share: over the facts an event's rules read
// and the yes/no answers of their decision points, try the smallest sets of true names first
// (then the lowest mask) and return the first whose run the caller accepts. Smallest-first keeps
// each generated test's setup minimal; the fixed order keeps the generated output deterministic.
import { exclusiveFacts, withDerivedFacts } from '../../runtime/index.ts';
import type { RuleIR } from '../ir/types.ts';
import { evaluateEvent, guardFacts, rulesForEvent, type EventRun } from './rule-semantics.ts';

export interface Situation {
  /** Facts set to true; every other fact is false. */
  facts: string[];
  /** Rules whose decision point answers yes. */
  yes: string[];
  run: EventRun;
}

/** Search bound: events read few facts, but a pathological spec must not hang the generator. */
const maxSearchBits = 16;

function subsetsBySize(count: number): number[] {
  const all = Array.from({ length: 2 ** count }, (_, i) => i);
  const bits = (n: number): number => n.toString(2).replace(/0/g, '').length;
  return all.sort((a, b) => bits(a) - bits(b) || a - b);
}

/** Runs the reference semantics of `event` with exactly `holding` true and `yes` decided yes. */
export function evaluateSituation(rules: readonly RuleIR[], event: string, holding: readonly string[], yes: readonly string[]): EventRun {
  return evaluateEvent(rules, event, { facts: Object.fromEntries(holding.map((name) => [name, true])), decide: (_point, id) => yes.includes(id) });
}

/**
 * `fixed`: facts an earlier action forces for this event (generator/passes/forced-facts.ts); a
 * situation that contradicts one can no longer occur, so no test is built for it.
 */
export function searchSituation(
  rules: readonly RuleIR[],
  event: string,
  accept: (run: EventRun, yes: readonly string[], holding: readonly string[]) => boolean,
  fixed: Readonly<Record<string, boolean>> = {},
): Situation | null {
  const involved = rulesForEvent(rules, event);
  const facts: string[] = [];
  for (const r of involved) {
    for (const trigger of r.triggers) if (trigger.event === event) guardFacts(trigger.guard, facts);
    guardFacts(r.guard, facts);
  }
  const deciders = involved.filter((r) => r.decision !== null).map((r) => r.id);
  const names = [...facts, ...deciders.map((id) => `decide:${id}`)];
  if (names.length > maxSearchBits) return null;
  for (const mask of subsetsBySize(names.length)) {
    const chosen = names.filter((_, i) => (mask & (1 << i)) !== 0);
    const holding = chosen.filter((name) => !name.startsWith('decide:'));
    const yes = chosen.filter((name) => name.startsWith('decide:')).map((name) => name.slice('decide:'.length));
    if (Object.entries(fixed).some(([fact, value]) => facts.includes(fact) && holding.includes(fact) !== value)) continue;
    const run = evaluateSituation(rules, event, holding, yes);
    if (accept(run, yes, holding)) return { facts: holding, yes, run };
  }
  return null;
}

/**
 * The fact sets the runtime may really run the rules with when `holding` is what a test sets up:
 * each group of exclusive facts with one member true (any, when the test sets none: the scenario
 * picks its own default) and the derived facts computed (runtime/procedure/fact-implications.ts).
 * A completion whose derived facts contradict `holding` cannot occur and is left out.
 */
export function runtimeCompletions(holding: readonly string[]): string[][] {
  let sets: string[][] = [[...holding]];
  for (const group of exclusiveFacts as readonly (readonly string[])[]) {
    const chosen = group.filter((f) => holding.includes(f));
    if (chosen.length > 1) return [];
    if (chosen.length === 0) sets = sets.flatMap((set) => group.map((f) => [...set, f]));
  }
  const out: string[][] = [];
  for (const set of sets) {
    const derived = withDerivedFacts(Object.fromEntries(set.map((f) => [f, true]))) as Record<string, boolean | undefined>;
    const contradicts = Object.entries(derived).some(([fact, value]) => value === false && holding.includes(fact));
    if (!contradicts) out.push(Object.entries(derived).filter(([, value]) => value === true).map(([fact]) => fact));
  }
  return out;
}
