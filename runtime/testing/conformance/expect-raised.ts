// The situation check of a wire-level test: the event the rule is triggered by was raised, with the
// rule's facts as the test built them (true or false). Without it a test could pass on the right
// actions caused by another event: e.g. a step 4 driven by the success REPORT counted as a pass of
// the `on last-send-acknowledged when not success-report-requested` branch.
import type { ProcedureEvent, ProcedureGuard } from '../../procedure/vocabulary.ts';
import type { AnswererOutcome } from './answerer-outcome.ts';
import type { ScenarioOutcome } from './scenario-outcome.ts';

/** Problems when no raising of `event` had every fact of `held` at its value; empty when one had. */
export function expectRaised(outcome: ScenarioOutcome | AnswererOutcome, event: ProcedureEvent, held: Partial<Record<ProcedureGuard, boolean>>): string[] {
  // The receiver's situation is the offer the scripted offerer sends; its runs are not logged per event.
  if (!('raised' in outcome)) return [];
  const runs = outcome.raised.filter((r) => r.event === event);
  if (runs.length === 0) return [`the rules of ${event} never ran (events raised: ${outcome.raised.map((r) => r.event).join(', ') || 'none'})`];
  const wrong = (facts: readonly ProcedureGuard[]): string[] =>
    (Object.entries(held) as [ProcedureGuard, boolean][]).filter(([fact, value]) => facts.includes(fact) !== value).map(([fact, value]) => `${fact} was ${!value}`);
  if (runs.some((r) => wrong(r.facts).length === 0)) return [];
  return runs.map((r) => `${event} ran, but not in the situation under test: ${wrong(r.facts).join(', ')} (facts that held: ${r.facts.join(', ') || 'none'})`);
}
