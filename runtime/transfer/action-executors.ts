// One executor per vocabulary action, derived from the entries' `executor` (runtime/procedure/
// vocabulary/actions/<name>.ts), so no action is without one. An executor records what its decision
// asks for in the plan of the phase it runs in (runtime/procedure/vocabulary/phases.ts): the
// sender's (set-up, after the last SEND, a failed file, release) and the receiver's (answering one
// offered m-line, a re-offered m-line, a completed file); the phase modules of each side then carry
// the plan out. An action that has no meaning in the phase it arrives in is a typed runtime error
// naming rule, event and phase, never a silent skip. SHALL NOT decisions are prohibitions: they are
// recorded, not executed, and `refuseIfProhibited` stops whichever path later tries the action.

import { CpmError } from '../errors.ts';
import type { Decision } from '../procedure/decision.ts';
import { actionEntries, eventEntries, type ProcedureAction, type ProcedureEvent } from '../procedure/vocabulary.ts';
import { once, outOfPhase, type Phase, type PhaseExecutor, type PlanBase, type Plans } from '../procedure/vocabulary/phases.ts';
import type { PhaseExecutorSpec } from '../procedure/vocabulary/define.ts';

export { emptyPlan, phaseRoles, type AfterLastSendPlan, type AnswerMlinePlan, type FileCompletePlan, type FileFailedPlan, type Phase, type Plans, type ReleasePlan, type ReofferMlinePlan, type SetUpPlan } from '../procedure/vocabulary/phases.ts';

/** The phase of each event, from its entry. */
export const phaseOfEvent: { readonly [E in ProcedureEvent]: (typeof eventEntries)[E]['phase'] } =
  Object.fromEntries(Object.entries(eventEntries).map(([name, entry]) => [name, entry.phase])) as { readonly [E in ProcedureEvent]: (typeof eventEntries)[E]['phase'] };

type ExecutorsByPhase = { readonly [P in Phase]?: PhaseExecutor<P> };
/** At least one phase: an action that means nothing anywhere does not belong in the vocabulary. */
type ActionExecutor = { [P in Phase]: Required<Pick<ExecutorsByPhase, P>> & ExecutorsByPhase }[Phase];

/** Every vocabulary action, each with an executor for at least one phase. */
export type ActionExecutorTable = { readonly [A in ProcedureAction]: ActionExecutor };

function executorOf(spec: Readonly<Record<string, PhaseExecutorSpec<Phase> | undefined>>): ActionExecutor {
  const out: Record<string, PhaseExecutor<Phase>> = {};
  for (const [phase, field] of Object.entries(spec)) {
    if (field === undefined) continue;
    out[phase] = typeof field === 'function' ? field : once<Phase>(field);
  }
  return out as ActionExecutor;
}

export const actionExecutors: ActionExecutorTable = Object.fromEntries(
  Object.entries(actionEntries).map(([name, entry]) => [name, executorOf(entry.executor as Readonly<Record<string, PhaseExecutorSpec<Phase> | undefined>>)]),
) as ActionExecutorTable;

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
