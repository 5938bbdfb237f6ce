// The parts of the procedure an event can belong to, each with the plan its rules fill. A vocabulary
// event names its phase; an action's executor names the phases it means something in and writes
// its field of that phase's plan; the phase module of the side (sender-*.ts, receiver-answer-plan.ts)
// then carries the plan out. A new phase is one entry in `phaseDeclarations` and one plan type in
// `Plans` (tsc names a phase without one); `follow-clause` serves every phase that declares which
// kind of clause it may follow, so a new phase does not touch that action.
import { CpmError } from '../../errors.ts';
import type { Decision } from '../decision.ts';
import type { ClauseRole } from '../followable-clauses.ts';
import type { SessionSetUpProcedure } from '../../transfer/clause-procedures.ts';
import type { ProcedureEvent } from './names.ts';

/**
 * Each phase, the side that runs it (the sender's, then the receiver's), and the kind of clause a
 * `follow-clause` may name there: its plan then has the matching field (`setUp` / `release`).
 */
export const phaseDeclarations = {
  'set-up': { role: 'sender', follows: 'session-set-up' },
  'after-last-send': { role: 'sender', follows: 'session-release' },
  'file-failed': { role: 'sender', follows: null },
  release: { role: 'sender', follows: null },
  cancel: { role: 'sender', follows: 'session-release' },
  'answer-mline': { role: 'receiver', follows: null },
  'reoffer-mline': { role: 'receiver', follows: null },
  'file-complete': { role: 'receiver', follows: null },
} as const satisfies { readonly [phase: string]: { readonly role: 'sender' | 'receiver'; readonly follows: ClauseRole | null } };
export type Phase = keyof typeof phaseDeclarations;
export const phaseRoles: { readonly [P in Phase]: (typeof phaseDeclarations)[P]['role'] } =
  Object.fromEntries(Object.entries(phaseDeclarations).map(([phase, d]) => [phase, d.role])) as { readonly [P in Phase]: (typeof phaseDeclarations)[P]['role'] };
export type PhaseOfRole<R extends 'sender' | 'receiver'> = { [P in Phase]: (typeof phaseRoles)[P] extends R ? P : never }[Phase];

export interface PlanBase {
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
  /** Every SEND of the session asks for a success REPORT (RFC 4975 §7.1.1). */
  successReports?: Decision;
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

/** The user cancelled the transfer: what happens to the message being sent and to the session. */
export interface CancelPlan extends PlanBase {
  interrupt?: Decision;
  release?: Decision;
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

/** The plan type of each phase. */
interface PlanTypes {
  'set-up': SetUpPlan;
  'after-last-send': AfterLastSendPlan;
  'file-failed': FileFailedPlan;
  release: ReleasePlan;
  cancel: CancelPlan;
  'answer-mline': AnswerMlinePlan;
  'reoffer-mline': ReofferMlinePlan;
  'file-complete': FileCompletePlan;
}

/** The plan of each phase. */
export type Plans = { [P in Phase]: P extends keyof PlanTypes ? PlanTypes[P] : PlanBase };

/** A phase declared above without its plan in `PlanTypes` fails `tsc` here, naming the phase. */
type PhaseWithoutPlan = Exclude<Phase, keyof PlanTypes>;
export const everyPhaseHasAPlan: [PhaseWithoutPlan] extends [never] ? true : { missingPlanFor: PhaseWithoutPlan } = true;

/** A phase whose follow-clause sets up the session has `setUp`; one that releases it has `release`. */
type FollowField<P extends Phase> = (typeof phaseDeclarations)[P]['follows'] extends 'session-set-up' ? 'setUp' : (typeof phaseDeclarations)[P]['follows'] extends 'session-release' ? 'release' : never;
type PlanWithoutFollowField = { [P in Phase]: FollowField<P> extends keyof Plans[P] | never ? never : P }[Phase];
export const everyFollowingPhaseHasItsField: [PlanWithoutFollowField] extends [never] ? true : { planLacksFollowField: PlanWithoutFollowField } = true;

export const emptyPlan = <P extends Phase>(_phase: P): Plans[P] => ({ events: [], prohibitions: [] }) as PlanBase as Plans[P];

export type PhaseExecutor<P extends Phase> = (plan: Plans[P], decision: Decision) => void;

/** The plan fields of phase P that hold one decision. */
export type DecisionField<P extends Phase> = { [K in keyof Plans[P]]-?: Plans[P][K] extends Decision | undefined ? K : never }[keyof Plans[P]];

/** Sets a plan field once; a second rule asking for the same thing in the same phase is harmless. */
export const once = <P extends Phase>(key: DecisionField<P>): PhaseExecutor<P> => (plan, decision) => {
  const fields = plan as unknown as Record<DecisionField<P>, Decision | undefined>;
  fields[key] ??= decision;
};

/** The typed error of an action asked for in a phase where it means nothing. */
export function outOfPhase(decision: Decision, phase: Phase, why: string): CpmError {
  return new CpmError('ERR_PROCEDURE_ACTION_OUT_OF_PHASE', `rule ${decision.rule} asks for ${decision.action}${decision.args.length > 0 ? ` ${decision.args.join(' ')}` : ''} during ${phase}: ${why}`);
}
