// The vocabulary's name unions, derived from the entries registered in each kind's index: a name
// exists because an entry declares it, so a table typed over a union below fails `tsc` until the
// new entry has its row (or, for the tables derived from the entries, never lacks one).
import type { actionEntries } from './actions/index.ts';
import type { decisionPointEntries } from './decision-points/index.ts';
import type { eventEntries } from './events/index.ts';
import type { guardEntries } from './guards/index.ts';

export const procedureRoles = ['sender', 'receiver'] as const;
export type ProcedureRole = (typeof procedureRoles)[number];

export type ProcedureEvent = keyof typeof eventEntries;
export type ProcedureGuard = keyof typeof guardEntries;
export type ProcedureAction = keyof typeof actionEntries;
export type DecisionPoint = keyof typeof decisionPointEntries;
