// Runs one generated handler for one event and records what it decided. The runner owns no
// procedure logic: which actions follow from which facts is entirely the generated handlers'.

import type { DecidedModality, Decision, ProcedureContext, ProcedureHandlers } from '../procedure/decision.ts';
import type { DecisionPoint, ProcedureEvent, ProcedureGuard } from '../procedure/vocabulary.ts';
import { procedureGuards } from '../procedure/vocabulary.ts';

/** The client's answers at MAY / SHOULD / SHOULD NOT decision points. */
export type DecisionPolicy = (point: DecisionPoint, rule: string, modality: DecidedModality) => boolean;

export interface ProcedureStep {
  readonly event: ProcedureEvent;
  readonly facts: Readonly<Record<ProcedureGuard, boolean>>;
  readonly choices: readonly { readonly point: DecisionPoint; readonly rule: string; readonly modality: DecidedModality; readonly decided: boolean }[];
  readonly decisions: readonly Decision[];
}

// Listed once: facts are built several times per session.
const guardNames = Object.keys(procedureGuards) as ProcedureGuard[];

/** Every fact defaults to false so a caller states only what holds. */
export function factsOf(holding: Partial<Record<ProcedureGuard, boolean>>): Record<ProcedureGuard, boolean> {
  const facts = {} as Record<ProcedureGuard, boolean>;
  for (const name of guardNames) facts[name] = holding[name] === true;
  return facts;
}

export function runProcedure(
  handlers: ProcedureHandlers,
  event: ProcedureEvent,
  facts: Readonly<Record<ProcedureGuard, boolean>>,
  policy: DecisionPolicy,
): ProcedureStep {
  const choices: { point: DecisionPoint; rule: string; modality: DecidedModality; decided: boolean }[] = [];
  const context: ProcedureContext = {
    facts,
    decide(point, rule, modality) {
      const decided = policy(point, rule, modality);
      choices.push({ point, rule, modality, decided });
      return decided;
    },
  };
  const handler = handlers[event];
  const decisions = handler === undefined ? [] : handler(context);
  return { event, facts, choices, decisions };
}

export function hasAction(step: ProcedureStep, action: Decision['action']): boolean {
  return step.decisions.some((decision) => decision.action === action);
}

export function clauseToFollow(step: ProcedureStep): string | undefined {
  return step.decisions.find((decision) => decision.action === 'follow-clause')?.args[0];
}
