// Which side of a file transfer each vocabulary name belongs to. The sending client raises the
// CR's events (clause 7.6.1 / 7.6.2) and carries out their actions; the receiving side (the push
// answerer, the file server answering a pull, the receiver of re-offers: RFC 5547 §8) raises its
// own events and carries out its own actions. Each table is derived from the entries' `role`
// (runtime/procedure/vocabulary/<kind>/<name>.ts), so no name is without one; `spec check`
// (role-mismatch) rejects a rule that mixes the two sides, so neither side is ever handed a
// decision it cannot execute.
import { actionEntries, decisionPointEntries, eventEntries, guardEntries } from './vocabulary.ts';
import type { DecisionPoint, ProcedureAction, ProcedureEvent, ProcedureGuard, ProcedureRole } from './vocabulary/names.ts';

export { procedureRoles, type ProcedureRole } from './vocabulary/names.ts';

type RolesOf<T extends { readonly [name: string]: { readonly role: ProcedureRole } }> = { readonly [N in keyof T]: T[N]['role'] };

function rolesOf<T extends { readonly [name: string]: { readonly role: ProcedureRole } }>(entries: T): RolesOf<T> {
  return Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, entry.role])) as RolesOf<T>;
}

export const eventRoles: RolesOf<typeof eventEntries> = rolesOf(eventEntries);
export const guardRoles: RolesOf<typeof guardEntries> = rolesOf(guardEntries);
export const actionRoles: RolesOf<typeof actionEntries> = rolesOf(actionEntries);
export const decisionPointRoles: RolesOf<typeof decisionPointEntries> = rolesOf(decisionPointEntries);

/** The events, guards and actions of one side. */
export type EventOf<R extends ProcedureRole> = { [E in ProcedureEvent]: (typeof eventRoles)[E] extends R ? E : never }[ProcedureEvent];
export type ActionOf<R extends ProcedureRole> = { [A in ProcedureAction]: (typeof actionRoles)[A] extends R ? A : never }[ProcedureAction];
export type GuardOf<R extends ProcedureRole> = { [G in ProcedureGuard]: (typeof guardRoles)[G] extends R ? G : never }[ProcedureGuard];
export type DecisionPointOf<R extends ProcedureRole> = { [D in DecisionPoint]: (typeof decisionPointRoles)[D] extends R ? D : never }[DecisionPoint];
export type SenderEvent = EventOf<'sender'>;
export type ReceiverEvent = EventOf<'receiver'>;
export type SenderAction = ActionOf<'sender'>;
export type ReceiverAction = ActionOf<'receiver'>;
