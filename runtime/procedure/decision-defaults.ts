// The application's answers at the spec's decision points, and what an unanswered point means. Shared
// by both sides (the sender's step-4 choice, the receiver's accept-file), so it lives with the
// vocabulary rather than in either side's module.
import type { DecidedModality } from './decision.ts';
import { decisionPoints, type DecisionPoint } from './vocabulary.ts';

/** Answers at decision points; unset ones take the rule's modality default. */
export type DecisionAnswers = { readonly [P in DecisionPoint]?: boolean };

/** An unanswered decision point: SHOULD is done, SHOULD NOT is not, MAY follows the vocabulary. */
export function defaultDecision(point: DecisionPoint, modality: DecidedModality): boolean {
  if (modality === 'SHOULD') return true;
  if (modality === 'SHOULD NOT') return false;
  return decisionPoints[point].mayDefault;
}
