// What the vocabulary's names mean together, stated once for both the runtime and `spec check`:
// facts the runtime derives from other facts, facts of which exactly one holds, facts an action
// makes true for the rest of the session (read from the actions' vocabulary entries), and the
// action by which a followed clause takes effect. The checker enumerates only situations these
// tables allow, resolves `follow-clause` to what the followed clause's rules do, and warns about a
// rule whose situation an action now forces away.
import { actionEntries, type ClauseRole, type ProcedureAction, type ProcedureGuard } from './vocabulary.ts';

/** A fact the runtime computes from another one: `fact` equals `from` (or its negation when `equals` is false). */
export interface DerivedFact {
  readonly from: ProcedureGuard;
  readonly equals: boolean;
}

/** The session kind follows from the destination (sender-run.ts computes them from this table). */
export const derivedFacts: { readonly [G in ProcedureGuard]?: DerivedFact } = {
  'one-to-one-session': { from: 'one-recipient', equals: true },
  'group-session': { from: 'one-recipient', equals: false },
};

/** Groups of facts of which exactly one holds whenever the rules of the sender run. */
export const exclusiveFacts: readonly (readonly ProcedureGuard[])[] = [['one-recipient', 'recipient-list', 'predefined-group']];

/**
 * Facts an action makes true for every later event of the same session (the action is decided at
 * an earlier event; its own event's facts were computed before it ran), from each action's
 * vocabulary entry (`implies`, runtime/procedure/vocabulary/actions/<name>.ts). A rule that
 * performs such an action in every situation of its event forces the fact; `spec check` then warns
 * about any rule whose trigger or guard needs it false (`unreachable-rule`), and the generator
 * builds no test for a situation that can no longer occur.
 */
export const actionImpliedFacts: { readonly [A in ProcedureAction]?: { readonly [G in ProcedureGuard]?: boolean } } = Object.fromEntries(
  Object.values(actionEntries)
    .filter((entry) => (entry.implies ?? []).length > 0)
    .map((entry) => [entry.name, Object.fromEntries((entry.implies ?? []).map((fact) => [fact, true]))]),
);

/** The action by which following a clause of each role takes effect: a release is its BYE. */
export const clauseRoleActions: { readonly [R in ClauseRole]?: ProcedureAction } = {
  'session-release': 'send-bye',
};

// Listed once: derived facts are computed several times per session.
const derivedFactEntries = Object.entries(derivedFacts) as [ProcedureGuard, DerivedFact][];

/** `holding` with every derived fact computed from its source (sources absent count as false). */
export function withDerivedFacts<T extends Partial<Record<ProcedureGuard, boolean>>>(holding: T): T & Partial<Record<ProcedureGuard, boolean>> {
  const out: Partial<Record<ProcedureGuard, boolean>> = { ...holding };
  for (const [fact, rule] of derivedFactEntries) out[fact] = (holding[rule.from] === true) === rule.equals;
  return out as T & Partial<Record<ProcedureGuard, boolean>>;
}
