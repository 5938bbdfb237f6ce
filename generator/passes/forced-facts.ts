// Facts an action fixes for the rest of the session (runtime/procedure/fact-implications.ts
// actionImpliedFacts): when a rule performs such an action in every situation of its event, the
// fact holds (or fails) at every later event of that side. The semantic checks and the generator
// then only consider situations that agree with it.
import { actionImpliedFacts, eventRoles } from '../../runtime/index.ts';
import type { RuleIR } from '../ir/types.ts';
import { prohibits, rulesForEvent, triggeredEvents } from '../emit/rule-semantics.ts';
import { enumerateSituations, factsRead, pointsRead, runIn } from './situations.ts';

export interface ForcedFact {
  readonly fact: string;
  readonly value: boolean;
  /** The rule that performs the action in every situation of `event`. */
  readonly rule: RuleIR;
  readonly action: string;
  readonly event: string;
}

export type ImpliedFactsTable = { readonly [action: string]: { readonly [fact: string]: boolean | undefined } | undefined };

const roleOf = (event: string): string | undefined => (eventRoles as Readonly<Record<string, string | undefined>>)[event];

export function forcedFacts(rules: readonly RuleIR[], implied: ImpliedFactsTable = actionImpliedFacts): ForcedFact[] {
  const out: ForcedFact[] = [];
  for (const event of triggeredEvents(rules)) {
    const situations = enumerateSituations(factsRead(rules, [event]), pointsRead(rules, [event]));
    if (situations === null) continue;
    const runs = situations.map((s) => runIn(rules, event, s));
    for (const rule of rulesForEvent(rules, event).filter((r) => !prohibits(r))) {
      for (const action of rule.actions) {
        const facts = implied[action.name];
        if (facts === undefined) continue;
        const always = runs.every((run) => run.decisions.some((d) => d.rule === rule.id && d.action === action.name) && !run.decisions.some((d) => d.modality === 'SHALL NOT' && d.action === action.name));
        if (!always) continue;
        for (const [fact, value] of Object.entries(facts)) if (value !== undefined) out.push({ fact, value, rule, action: action.name, event });
      }
    }
  }
  return out;
}

/** The forced facts that hold at `event`: those fixed at another event of the same side. */
export function forcedAt(forced: readonly ForcedFact[], event: string): ForcedFact[] {
  return forced.filter((f) => f.event !== event && roleOf(f.event) !== undefined && roleOf(f.event) === roleOf(event));
}

/** The fixed values of `forcedAt`, for enumerateSituations. */
export function fixedAt(forced: readonly ForcedFact[], event: string): Record<string, boolean> {
  return Object.fromEntries(forcedAt(forced, event).map((f) => [f.fact, f.value]));
}

