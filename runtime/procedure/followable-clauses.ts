// The clauses a rule may `follow-clause`, and what part of the procedure each one is.

/**
 * The clauses `follow-clause` may name, and what part of the procedure each one is: the runtime
 * implements each (runtime/transfer/clause-procedures.ts, typed over this table) and `spec check`
 * rejects a rule that follows any other clause.
 */
export const followableClauses = {
  '7.3.1': { role: 'session-set-up', summary: 'Set up a CPM 1-1 session: the INVITE goes to the one recipient.' },
  '7.4.1.1': { role: 'session-set-up', summary: 'Set up an ad-hoc CPM group session: the INVITE goes to the conference factory with the recipient list.' },
  '7.4.1.2': { role: 'session-set-up', summary: 'Set up a pre-defined CPM group session: the INVITE goes to the group URI.' },
  '7.6.2': { role: 'session-release', summary: 'Release the file transfer session (the rules of the transfer-complete event).' },
} as const;
export type FollowableClause = keyof typeof followableClauses;
export type ClauseRole = (typeof followableClauses)[FollowableClause]['role'];
