// The receiving side's procedure step: for one offered m-line (push or pull), one re-offered
// m-line, or one completed file, it states the facts, runs the generated handler of the event and
// executes its decisions into the plan of the phase (the one executor table,
// action-executors.ts). The receiver and the file server then carry out the plan; they decide
// nothing about RFC 5547 answers themselves, so a regenerated spec changes what they answer.
//
// A situation that no rule concludes, or that two rules conclude both ways (accept and reject the
// same m-line, keep and close the same transfer), is a typed error: the caller answers the INVITE
// 500 rather than guess (no runtime default overrides the spec).

import { CpmError } from '../errors.ts';
import type { DecidedModality, Decision, ProcedureHandlers } from '../procedure/decision.ts';
import type { GuardOf, ReceiverEvent } from '../procedure/roles.ts';
import type { DecisionPoint } from '../procedure/vocabulary.ts';
import { emptyPlan, executeDecisions, phaseOfEvent, prohibitionOf, type AnswerMlinePlan, type FileCompletePlan, type Plans, type ReofferMlinePlan } from './action-executors.ts';
import { factsOf, runProcedure } from './procedure-runner.ts';
import { defaultDecision, type DecisionAnswers } from '../procedure/decision-defaults.ts';

export type ReceiverFacts = Partial<Record<GuardOf<'receiver'>, boolean>>;

/** Phases of the receiving side, per event. */
type PhaseOf<E extends ReceiverEvent> = (typeof phaseOfEvent)[E];

/** Decision answers computed before the (synchronous) handler runs; unanswered points take the modality default. */
function policyOf(answers: DecisionAnswers): (point: DecisionPoint, rule: string, modality: DecidedModality) => boolean {
  return (point, _rule, modality) => answers[point] ?? defaultDecision(point, modality);
}

/** Runs the rules of one receiver event and returns the filled plan of its phase. */
export function planReceiverEvent<E extends ReceiverEvent>(
  handlers: ProcedureHandlers,
  event: E,
  facts: ReceiverFacts,
  answers: DecisionAnswers = {},
): Plans[PhaseOf<E>] {
  const phase = phaseOfEvent[event] as PhaseOf<E>;
  const step = runProcedure(handlers, event, factsOf(facts), policyOf(answers));
  const plan = emptyPlan(phase);
  executeDecisions(phase, plan, event, step.decisions);
  return plan;
}

/** The decision points the rules of `event` consult in this situation (answered by their defaults). */
export function consultedPoints(handlers: ProcedureHandlers, event: ReceiverEvent, facts: ReceiverFacts): DecisionPoint[] {
  const step = runProcedure(handlers, event, factsOf(facts), policyOf({}));
  return [...new Set(step.choices.map((c) => c.point))];
}

function conflict(a: Decision, b: Decision, what: string): CpmError {
  return new CpmError('ERR_PROCEDURE_CONFLICT', `rules ${a.rule} (${a.action}) and ${b.rule} (${b.action}) ${what}`);
}

/** What to do with one offered m-line, read from its plan. */
export type MlineAnswer =
  | { readonly kind: 'receive' | 'serve'; readonly echoSelector: boolean; readonly echoTransferId: boolean; readonly rule: string }
  | { readonly kind: 'reject'; readonly rule: string };
/** An m-line the answer takes (receives a push, or serves a pull). */
export type TakenMline = Exclude<MlineAnswer, { kind: 'reject' }>;

/**
 * The one answer an m-line plan gives. A SHALL NOT on the echo actions (or no rule asking for them)
 * leaves the attribute out of the answer; a SHALL NOT on receiving or serving forbids taking the file.
 */
export function mlineAnswerOf(plan: AnswerMlinePlan, event: ReceiverEvent): MlineAnswer {
  const take = plan.receive ?? plan.serve;
  if (plan.receive !== undefined && plan.serve !== undefined) throw conflict(plan.receive, plan.serve, 'both receive and serve one m-line');
  if (take !== undefined && plan.reject !== undefined) throw conflict(take, plan.reject, 'both take and refuse one m-line');
  if (take !== undefined) {
    const forbidden = prohibitionOf(plan, take.action);
    if (forbidden !== undefined) return { kind: 'reject', rule: forbidden.rule };
    return {
      kind: plan.receive !== undefined ? 'receive' : 'serve',
      echoSelector: plan.echoSelector !== undefined && prohibitionOf(plan, 'echo-file-selector') === undefined,
      echoTransferId: plan.echoTransferId !== undefined && prohibitionOf(plan, 'echo-file-transfer-id') === undefined,
      rule: take.rule,
    };
  }
  if (plan.reject !== undefined) return { kind: 'reject', rule: plan.reject.rule };
  const forbidden = plan.prohibitions[0];
  if (forbidden !== undefined) return { kind: 'reject', rule: forbidden.rule };
  throw new CpmError('ERR_PROCEDURE_UNCOVERED', `no rule of ${event} takes or refuses this m-line`);
}

/** What a re-offer does to an m-line that carried a file. */
export type ReofferAnswer = { readonly kind: 'keep' | 'close' | 'new'; readonly rule: string };

export function reofferAnswerOf(plan: ReofferMlinePlan): ReofferAnswer {
  if (plan.keep !== undefined && plan.close !== undefined) throw conflict(plan.keep, plan.close, 'both keep and close one transfer');
  if (plan.keep !== undefined) return { kind: 'keep', rule: plan.keep.rule };
  if (plan.close !== undefined) return { kind: plan.asNewOffer !== undefined ? 'new' : 'close', rule: plan.close.rule };
  if (plan.asNewOffer !== undefined) throw new CpmError('ERR_PROCEDURE_CONFLICT', `rule ${plan.asNewOffer.rule} answers a re-offer as a new file without closing the transfer it carries`);
  throw new CpmError('ERR_PROCEDURE_UNCOVERED', 'no rule of mline-reoffered keeps or closes this m-line');
}

/** Whether the received file is compared with the offered hash before it is published. */
export function verifiesHash(plan: FileCompletePlan): boolean {
  return plan.verifyHash !== undefined;
}
