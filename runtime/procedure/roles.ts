// Which side of a file transfer each vocabulary name belongs to. The sending client raises the
// CR's events (clause 7.6.1 / 7.6.2) and carries out their actions; the receiving side (the push
// answerer, the file server answering a pull, the receiver of re-offers: RFC 5547 §8) raises its
// own events and carries out its own actions. Each table is typed over every name, so a new event,
// guard, action or decision point without a role fails `tsc`; `spec check` (role-mismatch) rejects
// a rule that mixes the two sides, so neither side is ever handed a decision it cannot execute.
import type { DecisionPoint, ProcedureAction, ProcedureEvent, ProcedureGuard } from './vocabulary.ts';

export const procedureRoles = ['sender', 'receiver'] as const;
export type ProcedureRole = (typeof procedureRoles)[number];

export const eventRoles = {
  'send-files-requested': 'sender',
  'last-send-acknowledged': 'sender',
  'success-report-received': 'sender',
  'msrp-error-response': 'sender',
  'failure-report-received': 'sender',
  'transfer-complete': 'sender',
  'file-offer-received': 'receiver',
  'pull-offer-received': 'receiver',
  'mline-reoffered': 'receiver',
  'file-data-complete': 'receiver',
} as const satisfies { readonly [E in ProcedureEvent]: ProcedureRole };

export const guardRoles = {
  'one-recipient': 'sender',
  'recipient-list': 'sender',
  'predefined-group': 'sender',
  'one-to-one-session': 'sender',
  'group-session': 'sender',
  'more-than-one-file': 'sender',
  'success-report-requested': 'sender',
  'pending-files-same-destination': 'sender',
  'wants-mline-reuse': 'sender',
  'unused-mlines': 'sender',
  'offer-sendonly': 'receiver',
  'file-found': 'receiver',
  'port-zero': 'receiver',
  'transfer-id-changed': 'receiver',
  'selector-has-hash': 'receiver',
} as const satisfies { readonly [G in ProcedureGuard]: ProcedureRole };

export const actionRoles = {
  'follow-clause': 'sender',
  'apply-rfc5547': 'sender',
  'add-file-attributes': 'sender',
  'one-mline-per-file': 'sender',
  'check-pending-files': 'sender',
  'send-reinvite': 'sender',
  'reuse-mline': 'sender',
  'close-unused-mline': 'sender',
  'send-bye': 'sender',
  'indicate-transfer-failed': 'sender',
  'answer-recvonly': 'receiver',
  'answer-sendonly': 'receiver',
  'echo-file-selector': 'receiver',
  'echo-file-transfer-id': 'receiver',
  'reject-mline': 'receiver',
  'keep-transfer': 'receiver',
  'close-transfer': 'receiver',
  'take-as-new-offer': 'receiver',
  'verify-file-hash': 'receiver',
} as const satisfies { readonly [A in ProcedureAction]: ProcedureRole };

export const decisionPointRoles = {
  'check-pending-files': 'sender',
  'accept-file': 'receiver',
} as const satisfies { readonly [D in DecisionPoint]: ProcedureRole };

/** The events, guards and actions of one side. */
export type EventOf<R extends ProcedureRole> = { [E in ProcedureEvent]: (typeof eventRoles)[E] extends R ? E : never }[ProcedureEvent];
export type ActionOf<R extends ProcedureRole> = { [A in ProcedureAction]: (typeof actionRoles)[A] extends R ? A : never }[ProcedureAction];
export type GuardOf<R extends ProcedureRole> = { [G in ProcedureGuard]: (typeof guardRoles)[G] extends R ? G : never }[ProcedureGuard];
export type SenderEvent = EventOf<'sender'>;
export type ReceiverEvent = EventOf<'receiver'>;
export type SenderAction = ActionOf<'sender'>;
export type ReceiverAction = ActionOf<'receiver'>;
