// One executor per vocabulary action, in one table keyed by ProcedureAction: a new action in
// runtime/procedure/vocabulary.ts without an executor here fails `tsc`. An executor records what
// its decision asks for in the plan of the phase it runs in: the sender's (set-up, after the last
// SEND, a failed file, release) and the receiver's (answering one offered m-line, a re-offered
// m-line, a completed file); the phase modules of each side then carry the plan out. An action that has no
// meaning in the phase it arrives in is a typed runtime error naming rule, event and phase, never
// a silent skip. SHALL NOT decisions are prohibitions: they are recorded, not executed, and
// `refuseIfProhibited` stops whichever path later tries the action.

import { CpmError } from '../errors.ts';
import type { Decision } from '../procedure/decision.ts';
import type { ProcedureAction, ProcedureEvent } from '../procedure/vocabulary.ts';
import { clauseProcedure, type SessionSetUpProcedure } from './clause-procedures.ts';

/** The part of the procedure an event belongs to: the sender's four, then the receiver's three. */
export type Phase = 'set-up' | 'after-last-send' | 'file-failed' | 'release' | 'answer-mline' | 'reoffer-mline' | 'file-complete';

export const phaseOfEvent: { readonly [E in ProcedureEvent]: Phase } = {
  'send-files-requested': 'set-up',
  'last-send-acknowledged': 'after-last-send',
  'success-report-received': 'after-last-send',
  'msrp-error-response': 'file-failed',
  'failure-report-received': 'file-failed',
  'transfer-complete': 'release',
  'file-offer-received': 'answer-mline',
  'pull-offer-received': 'answer-mline',
  'mline-reoffered': 'reoffer-mline',
  'file-data-complete': 'file-complete',
};

interface PlanBase {
  /** The events whose rules filled this plan, in the order they ran. */
  readonly events: ProcedureEvent[];
  /** SHALL NOT decisions of these events: the actions that must not happen in this situation. */
  readonly prohibitions: Decision[];
}

/** Clause 7.6.1 steps 1-3. */
export interface SetUpPlan extends PlanBase {
  setUp?: { readonly procedure: SessionSetUpProcedure; readonly decision: Decision };
  /** RFC 5547 §8 answer rules: an answer that does not echo the file-selector / file-transfer-id fails that file. */
  rfc5547?: Decision;
  fileAttributes?: Decision;
  mlinePerFile?: Decision;
}

/** Clause 7.6.1 step 4. */
export interface AfterLastSendPlan extends PlanBase {
  takePending?: Decision;
  reinvite?: Decision;
  reuse?: Decision;
  closeUnused?: Decision;
  release?: Decision;
}

/** Clause 7.6.1 step 5. */
export interface FileFailedPlan extends PlanBase {
  indicate?: Decision;
}

/** Clause 7.6.2. */
export interface ReleasePlan extends PlanBase {
  bye?: Decision;
}

/** RFC 5547 §8: what the answer says for one offered m-line (push or pull). */
export interface AnswerMlinePlan extends PlanBase {
  /** Push: accept the file, answering recvonly. */
  receive?: Decision;
  /** Pull: serve the file, answering sendonly. */
  serve?: Decision;
  echoSelector?: Decision;
  echoTransferId?: Decision;
  reject?: Decision;
}

/** RFC 5547 §8.1: what a re-offer does to an m-line that carried a file. */
export interface ReofferMlinePlan extends PlanBase {
  keep?: Decision;
  close?: Decision;
  asNewOffer?: Decision;
}

/** RFC 5547 §6: what is checked before a received file is published. */
export interface FileCompletePlan extends PlanBase {
  verifyHash?: Decision;
}

export interface Plans {
  'set-up': SetUpPlan;
  'after-last-send': AfterLastSendPlan;
  'file-failed': FileFailedPlan;
  release: ReleasePlan;
  'answer-mline': AnswerMlinePlan;
  'reoffer-mline': ReofferMlinePlan;
  'file-complete': FileCompletePlan;
}

export const emptyPlan = <P extends Phase>(_phase: P): Plans[P] => ({ events: [], prohibitions: [] }) as Plans[P];

type PhaseExecutor<P extends Phase> = (plan: Plans[P], decision: Decision) => void;
type ExecutorsByPhase = { readonly [P in Phase]?: PhaseExecutor<P> };
/** At least one phase: an action that means nothing anywhere does not belong in the vocabulary. */
type ActionExecutor = { [P in Phase]: Required<Pick<ExecutorsByPhase, P>> & ExecutorsByPhase }[Phase];

/** Sets a plan field once; a second rule asking for the same thing in the same phase is harmless. */
const once = <P extends Phase, K extends keyof Plans[P]>(key: K): PhaseExecutor<P> => (plan, decision) => {
  (plan[key] as Decision | undefined) ??= decision;
};

/** Every vocabulary action, each with an executor for at least one phase. */
export type ActionExecutorTable = { readonly [A in ProcedureAction]: ActionExecutor };

export const actionExecutors: ActionExecutorTable = {
  'follow-clause': {
    'set-up': (plan, decision) => {
      const procedure = clauseProcedure(decision.args[0], decision.rule);
      if (procedure.role !== 'session-set-up') throw outOfPhase(decision, 'set-up', `clause ${procedure.clause} is not a session set-up procedure`);
      if (plan.setUp !== undefined && plan.setUp.procedure !== procedure) {
        throw new CpmError('ERR_PROCEDURE_CONFLICT', `rules ${plan.setUp.decision.rule} and ${decision.rule} set the same session up by two clauses (${plan.setUp.procedure.clause}, ${procedure.clause})`);
      }
      plan.setUp ??= { procedure, decision };
    },
    'after-last-send': (plan, decision) => {
      const procedure = clauseProcedure(decision.args[0], decision.rule);
      if (procedure.role !== 'session-release') throw outOfPhase(decision, 'after-last-send', `clause ${procedure.clause} is not a session release procedure`);
      plan.release ??= decision;
    },
  },
  'apply-rfc5547': { 'set-up': once<'set-up', 'rfc5547'>('rfc5547') },
  'add-file-attributes': { 'set-up': once<'set-up', 'fileAttributes'>('fileAttributes') },
  'one-mline-per-file': { 'set-up': once<'set-up', 'mlinePerFile'>('mlinePerFile') },
  'check-pending-files': { 'after-last-send': once<'after-last-send', 'takePending'>('takePending') },
  'send-reinvite': { 'after-last-send': once<'after-last-send', 'reinvite'>('reinvite') },
  'reuse-mline': { 'after-last-send': once<'after-last-send', 'reuse'>('reuse') },
  'close-unused-mline': { 'after-last-send': once<'after-last-send', 'closeUnused'>('closeUnused') },
  'send-bye': { release: once<'release', 'bye'>('bye') },
  'indicate-transfer-failed': { 'file-failed': once<'file-failed', 'indicate'>('indicate') },
  'answer-recvonly': { 'answer-mline': once<'answer-mline', 'receive'>('receive') },
  'answer-sendonly': { 'answer-mline': once<'answer-mline', 'serve'>('serve') },
  'echo-file-selector': { 'answer-mline': once<'answer-mline', 'echoSelector'>('echoSelector') },
  'echo-file-transfer-id': { 'answer-mline': once<'answer-mline', 'echoTransferId'>('echoTransferId') },
  'reject-mline': { 'answer-mline': once<'answer-mline', 'reject'>('reject') },
  'keep-transfer': { 'reoffer-mline': once<'reoffer-mline', 'keep'>('keep') },
  'close-transfer': { 'reoffer-mline': once<'reoffer-mline', 'close'>('close') },
  'take-as-new-offer': { 'reoffer-mline': once<'reoffer-mline', 'asNewOffer'>('asNewOffer') },
  'verify-file-hash': { 'file-complete': once<'file-complete', 'verifyHash'>('verifyHash') },
};

function outOfPhase(decision: Decision, phase: Phase, why: string): CpmError {
  return new CpmError('ERR_PROCEDURE_ACTION_OUT_OF_PHASE', `rule ${decision.rule} asks for ${decision.action}${decision.args.length > 0 ? ` ${decision.args.join(' ')}` : ''} during ${phase}: ${why}`);
}

/** Executes one event's decisions into the plan of its phase (prohibitions are only recorded). */
export function executeDecisions<P extends Phase>(phase: P, plan: Plans[P], event: ProcedureEvent, decisions: readonly Decision[]): void {
  if (phaseOfEvent[event] !== phase) throw new CpmError('ERR_PROCEDURE_PHASE', `event ${event} belongs to ${phaseOfEvent[event]}, not ${phase}`);
  plan.events.push(event);
  for (const decision of decisions) {
    if (decision.modality === 'SHALL NOT') {
      plan.prohibitions.push(decision);
      continue;
    }
    const executor = actionExecutors[decision.action][phase] as PhaseExecutor<P> | undefined;
    if (executor === undefined) throw outOfPhase(decision, phase, `${decision.action} has no meaning at ${event}`);
    executor(plan, decision);
  }
}

/** The SHALL NOT rule that forbids `action` in this plan's situation, if any. */
export function prohibitionOf(plan: PlanBase, action: ProcedureAction, args: readonly string[] = []): Decision | undefined {
  return plan.prohibitions.find((p) => p.action === action && (p.args.length === 0 || p.args.join(' ') === args.join(' ')));
}

/** Throws the typed refusal when a SHALL NOT rule of this situation forbids `action`. */
export function refuseIfProhibited(plan: PlanBase, action: ProcedureAction, args: readonly string[] = []): void {
  const rule = prohibitionOf(plan, action, args);
  if (rule !== undefined) throw new ProhibitedActionError(rule, plan.events);
}

export class ProhibitedActionError extends CpmError {
  readonly rule: Decision;
  constructor(rule: Decision, events: readonly ProcedureEvent[]) {
    super('ERR_PROCEDURE_PROHIBITED', `rule ${rule.rule} (SHALL NOT) forbids ${rule.action}${rule.args.length > 0 ? ` ${rule.args.join(' ')}` : ''} at ${events.join(', ')}`);
    this.rule = rule;
  }
}
