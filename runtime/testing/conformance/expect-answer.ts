// What each action of the receiving side means on the wire (RFC 5547 §8, §8.1, §6), as checks
// over an answerer scenario's outcome: the SDP answer the receiver or file server sent, and what
// then happened to the file over MSRP and in the receiver's folder. Like expect-action.ts, the
// tables are the entries' `wire` (runtime/procedure/vocabulary/actions/<name>.ts) of every receiver
// action; a check returns problems, never throws.
import type { ReceiverAction } from '../../procedure/roles.ts';
import { actionEntries } from '../../procedure/vocabulary.ts';
import type { AnswererOutcome } from './answerer-outcome.ts';

export type AnswerCheck = (outcome: AnswererOutcome, args: readonly string[]) => string[];

const receiverEntries = Object.values(actionEntries).filter((e) => e.role === 'receiver') as { name: ReceiverAction; wire: { present: AnswerCheck; absent: AnswerCheck } }[];

export const answerChecks = Object.fromEntries(receiverEntries.map((e) => [e.name, e.wire.present])) as { readonly [A in ReceiverAction]: AnswerCheck };

export const answerAbsenceChecks = Object.fromEntries(receiverEntries.map((e) => [e.name, e.wire.absent])) as { readonly [A in ReceiverAction]: AnswerCheck };
