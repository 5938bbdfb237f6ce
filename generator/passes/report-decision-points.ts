// A MAY / SHOULD / SHOULD NOT rule leaves a choice to the client, so it needs a decision point;
// a SHALL / SHALL NOT rule leaves none, so it must not have one.
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

const optional = new Set(['MAY', 'SHOULD', 'SHOULD NOT']);

export function reportDecisionPoints(model: SpecModel, session: Session): void {
  for (const rule of model.rules.values()) {
    const needs = optional.has(rule.modality.value);
    if (needs && rule.decision === null)
      session.error('missing-decision-point', `${rule.modality.value} rule '${rule.id}' needs a 'decision <point>' where the client makes its choice`, rule.decisionLocation);
    else if (!needs && rule.decision !== null)
      session.error('unexpected-decision-point', `${rule.modality.value} rule '${rule.id}' leaves no choice, so it takes no decision point`, rule.decision.location);
  }
}
