// The narrow contract between spec-generated procedure handlers and the runtime (protobuf-es style:
// one table of the symbols generated code may use, owned by the runtime). The spec toolchain reads
// these tables to reject a rule that names an event, guard, action or decision point the runtime
// does not provide; the client executes the actions listed here. Each table is derived from the
// vocabulary's entries (runtime/procedure/vocabulary/<kind>/<name>.ts, one file per name, which also
// hold the name's role, phase, executor, wire check and scenario); the names keep the order of
// each kind's index.ts.
import { actionEntries } from './vocabulary/actions/index.ts';
import { decisionPointEntries } from './vocabulary/decision-points/index.ts';
import { eventEntries } from './vocabulary/events/index.ts';
import { guardEntries } from './vocabulary/guards/index.ts';
import type { ArgumentKind } from './vocabulary/define.ts';
import type { DecisionPoint, ProcedureAction, ProcedureEvent, ProcedureGuard } from './vocabulary/names.ts';

export type { DecisionPoint, ProcedureAction, ProcedureEvent, ProcedureGuard } from './vocabulary/names.ts';
export { followableClauses, type ClauseRole, type FollowableClause } from './followable-clauses.ts';
export { actionEntries, decisionPointEntries, eventEntries, guardEntries };

/** Maps each entry of a registry to one of its fields, keeping the registry's order. */
function tableOf<T extends object, V>(entries: T, field: (entry: T[keyof T]) => V): { readonly [N in keyof T]: V } {
  return Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, field(entry as T[keyof T])])) as { readonly [N in keyof T]: V };
}

/**
 * Events that trigger rules. The role that raises each one (the sending client, or the receiving
 * side: push answerer, file server, receiver of re-offers) is in runtime/procedure/roles.ts.
 */
export const procedureEvents: { readonly [E in ProcedureEvent]: string } = tableOf(eventEntries, (e) => e.summary);

/** Boolean facts the client computes before it runs a handler. */
export const procedureGuards: { readonly [G in ProcedureGuard]: string } = tableOf(guardEntries, (g) => g.summary);

/** Where the client makes a choice the spec leaves open (MAY / SHOULD rules), with the answer at a MAY rule left unanswered. */
export const decisionPoints: { readonly [D in DecisionPoint]: { readonly summary: string; readonly mayDefault: boolean } } =
  tableOf(decisionPointEntries, (d) => ({ summary: d.summary, mayDefault: d.mayDefault }));

/** What a rule can ask the client to do. `args` names the argument kind the action takes, if any. */
export const procedureActions: { readonly [A in ProcedureAction]: { readonly args: ArgumentKind; readonly summary: string } } =
  tableOf(actionEntries, (a) => ({ args: a.args, summary: a.summary }));

/**
 * After the last SEND of a batch the runtime raises these events in this order (the second only
 * when the fact `raisedWhen` holds), runs their rules into one plan, and then either releases the
 * session (a follow-clause to a session-release clause) or continues it (send-reinvite with
 * check-pending-files, files pending). `spec check` proves every situation ends in exactly one.
 */
export const sessionOutcomeEvents = [
  { event: 'last-send-acknowledged', raisedWhen: null },
  { event: 'success-report-received', raisedWhen: 'success-report-requested' },
] as const satisfies readonly { event: ProcedureEvent; raisedWhen: ProcedureGuard | null }[];

export const modalities = ['SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'MAY'] as const;
export type Modality = (typeof modalities)[number];
