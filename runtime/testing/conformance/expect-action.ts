// What each procedure action means on the wire, as checks over a scenario's wire record. The
// checks are the entries' `wire` (runtime/procedure/vocabulary/actions/<name>.ts): the meaning of the
// vocabulary in messages. Which actions a rule asks for (and which must not happen) is generated
// from the IR; the generated wire tests apply these checks and fail on any problem returned. A
// check returns problems, never throws, so unit tests can prove that each one rejects a wrong record.
import type { ProcedureAction } from '../../procedure/vocabulary.ts';
import { actionEntries } from '../../procedure/vocabulary.ts';
import { actionRoles, type ReceiverAction, type SenderAction } from '../../procedure/roles.ts';
import { isAnswererOutcome, type AnswererOutcome } from './answerer-outcome.ts';
import { answerAbsenceChecks, answerChecks } from './expect-answer.ts';
import type { ScenarioOutcome } from './scenario-outcome.ts';

export type WireCheck = (outcome: ScenarioOutcome, args: readonly string[]) => string[];

const senderEntries = Object.values(actionEntries).filter((e) => e.role === 'sender') as { name: SenderAction; wire: { present: WireCheck; absent: WireCheck } }[];

// The sender's actions; the receiving side's are in expect-answer.ts (both typed over their role).
const actionChecks = Object.fromEntries(senderEntries.map((e) => [e.name, e.wire.present])) as { readonly [A in SenderAction]: WireCheck };

/** The opposite checks: the action did not happen on the wire. */
const absenceChecks = Object.fromEntries(senderEntries.map((e) => [e.name, e.wire.absent])) as { readonly [A in SenderAction]: WireCheck };

const isReceiverAction = (action: ProcedureAction): action is ReceiverAction => actionRoles[action] === 'receiver';

/** A sender action checked on an answerer scenario (or the reverse) is a harness mistake, reported as a problem. */
function wrongScenario(action: ProcedureAction, outcome: ScenarioOutcome | AnswererOutcome): string[] {
  return [`${action} is an action of the ${actionRoles[action]}, but this is a${isAnswererOutcome(outcome) ? 'n answerer' : ' sender'} scenario`];
}

/** Problems showing that `action` did not happen as the spec means it; empty when it did. */
export function expectAction(outcome: ScenarioOutcome | AnswererOutcome, action: ProcedureAction, args: readonly string[] = []): string[] {
  if (isAnswererOutcome(outcome)) return withContext(outcome, isReceiverAction(action) ? answerChecks[action](outcome, args) : wrongScenario(action, outcome));
  return withContext(outcome, isReceiverAction(action) ? wrongScenario(action, outcome) : actionChecks[action](outcome, args));
}

/** Problems showing that `action` happened although it must not; empty when it did not. */
export function expectNoAction(outcome: ScenarioOutcome | AnswererOutcome, action: ProcedureAction, args: readonly string[] = []): string[] {
  if (isAnswererOutcome(outcome)) return withContext(outcome, isReceiverAction(action) ? answerAbsenceChecks[action](outcome, args) : wrongScenario(action, outcome));
  return withContext(outcome, isReceiverAction(action) ? wrongScenario(action, outcome) : absenceChecks[action](outcome, args));
}

function withContext(outcome: ScenarioOutcome | AnswererOutcome, problems: string[]): string[] {
  if (outcome.error !== undefined) problems = [`scenario error: ${outcome.error}`, ...problems];
  return problems;
}
