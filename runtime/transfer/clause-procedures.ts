// What the runtime does when a rule says `follow-clause <id>`: one entry per clause of the
// vocabulary's followableClauses, typed so that a clause added there without an implementation
// here (or implemented as the wrong kind of procedure) fails `tsc`.

import { CpmError, fail, ok, type Result } from '../errors.ts';
import { followableClauses, type ClauseRole, type FollowableClause } from '../procedure/followable-clauses.ts';
import type { Destination } from './destination.ts';

/** Where a session's INVITE goes and, for an ad-hoc group, the recipient list it carries. */
export interface InviteTarget {
  readonly target: string;
  readonly recipients?: readonly string[];
}

export interface SessionSetUpProcedure {
  readonly role: 'session-set-up';
  readonly clause: FollowableClause;
  /** The INVITE's target for this destination, or why this clause cannot serve it. */
  inviteTarget(destination: Destination): Result<InviteTarget, string>;
  /** Sessions that end at a focus: the sender subscribes to the conference state (RFC 4575). */
  readonly atFocus: boolean;
}

export interface SessionReleaseProcedure {
  readonly role: 'session-release';
  readonly clause: FollowableClause;
}

type ProcedureFor<R extends ClauseRole> = Extract<SessionSetUpProcedure | SessionReleaseProcedure, { role: R }>;

export const clauseProcedures: { readonly [C in FollowableClause]: ProcedureFor<(typeof followableClauses)[C]['role']> } = {
  // CPM 7.3.1: a 1-1 session INVITE goes to the recipient.
  '7.3.1': {
    role: 'session-set-up',
    clause: '7.3.1',
    atFocus: false,
    inviteTarget: (d) => (d.kind === 'one-recipient' ? ok({ target: d.uri }) : fail(`clause 7.3.1 needs one recipient, got ${d.kind}`)),
  },
  // CPM 7.4.1.1: an ad-hoc group is set up through the conference factory with the list in the body.
  '7.4.1.1': {
    role: 'session-set-up',
    clause: '7.4.1.1',
    atFocus: true,
    inviteTarget: (d) => (d.kind === 'recipient-list' ? ok({ target: d.factory, recipients: d.uris }) : fail(`clause 7.4.1.1 needs a recipient list, got ${d.kind}`)),
  },
  // CPM 7.4.1.2: a pre-defined group session INVITE goes to the group URI.
  '7.4.1.2': {
    role: 'session-set-up',
    clause: '7.4.1.2',
    atFocus: true,
    inviteTarget: (d) => (d.kind === 'predefined-group' ? ok({ target: d.uri }) : fail(`clause 7.4.1.2 needs a group URI, got ${d.kind}`)),
  },
  // CPM 7.6.2: the transfer-complete rules end the session.
  '7.6.2': { role: 'session-release', clause: '7.6.2' },
};

const isFollowable = (clause: string): clause is FollowableClause => Object.hasOwn(followableClauses, clause);

/** The runtime's procedure for `clause`, or a typed error naming the rule that asked for it. */
export function clauseProcedure(clause: string | undefined, rule: string): SessionSetUpProcedure | SessionReleaseProcedure {
  if (clause === undefined || !isFollowable(clause)) {
    throw new CpmError('ERR_PROCEDURE_UNKNOWN_CLAUSE', `rule ${rule} follows clause ${clause ?? '(none)'}, which the runtime does not implement (known: ${Object.keys(followableClauses).join(', ')})`);
  }
  return clauseProcedures[clause];
}
