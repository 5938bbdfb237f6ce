// A rule whose situation can no longer arise because another rule now forces one of its facts
// (forced-facts.ts): e.g. once every file asks for a success report, a trigger `on
// last-send-acknowledged when not success-report-requested` never matches. Its actions can never
// happen at that event and the generator builds no test for it there, so `spec check` says so:
// `unreachable-rule`, a warning at the rule, with a note at the rule that forces the fact.
import type { SpecIR } from '../ir/types.ts';
import { rulesForEvent, triggeredEvents, type EventRun } from '../emit/rule-semantics.ts';
import type { Session } from '../session.ts';
import { forcedAt, forcedFacts, type ImpliedFactsTable } from './forced-facts.ts';
import { enumerateSituations, factsRead, pointsRead, runIn } from './situations.ts';

/** The rule's situation held: it fired, its point was consulted, or it put prohibitions in place. */
const reached = (run: EventRun, id: string): boolean => run.fired.has(id) || run.consulted.includes(id) || run.decisions.some((d) => d.rule === id);

export function reportUnreachableRules(ir: SpecIR, session: Session, implied?: ImpliedFactsTable): void {
  const forced = forcedFacts(ir.rules, implied);
  if (forced.length === 0) return;
  for (const event of triggeredEvents(ir.rules)) {
    const fixing = forcedAt(forced, event);
    if (fixing.length === 0) continue;
    const facts = factsRead(ir.rules, [event]);
    const points = pointsRead(ir.rules, [event]);
    const free = enumerateSituations(facts, points);
    const fixed = enumerateSituations(facts, points, Object.fromEntries(fixing.map((f) => [f.fact, f.value])));
    if (free === null || fixed === null) continue;
    const freeRuns = free.map((s) => runIn(ir.rules, event, s));
    const fixedRuns = fixed.map((s) => runIn(ir.rules, event, s));
    for (const rule of rulesForEvent(ir.rules, event)) {
      if (!freeRuns.some((run) => reached(run, rule.id)) || fixedRuns.some((run) => reached(run, rule.id))) continue;
      // The forcing rules whose fact the rule's situation needs the other way.
      const causes = fixing.filter((f) => !fixedRuns.length || freeRuns.some((run, i) => reached(run, rule.id) && free[i]?.holding[f.fact] !== f.value));
      const named = causes.length > 0 ? causes : fixing;
      session.warning(
        'unreachable-rule',
        `rule '${rule.id}' can no longer apply on ${event}: ${named.map((f) => `'${f.rule.id}' performs ${f.action} in every situation of ${f.event}, so ${f.fact} is always ${f.value}`).join('; ')}; its actions never happen there and no test is generated for it`,
        rule.source,
        named.map((f) => ({ message: `'${f.rule.id}' forces ${f.fact} here`, location: f.rule.source })),
      );
    }
  }
}
