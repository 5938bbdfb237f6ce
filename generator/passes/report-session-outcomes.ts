// After the last SEND the runtime runs the rules of the session-outcome events (vocabulary
// sessionOutcomeEvents) and must then release the session or continue it with a re-INVITE; it has
// no default of its own. This pass tries every situation those rules can meet (situations.ts) and
// checks the effective procedure, not the rule list: a `follow-clause` to a release clause counts
// as a release only when a rule of the followed clause performs its release action in that same
// situation (`send-bye` for 7.6.2, fact-implications.ts clauseRoleActions) and no SHALL NOT rule
// forbids it. It reports the first situation with no outcome (`uncovered-situation`), two outcomes
// (`session-outcome-conflict`), or a release that needs a forbidden action (`prohibited-outcome`).
import { clauseRoleActions, followableClauses, sessionOutcomeEvents, type ClauseRole } from '../../runtime/index.ts';
import type { RuleIR, SpecIR } from '../ir/types.ts';
import { rulesForEvent, type EvaluatedDecision } from '../emit/rule-semantics.ts';
import type { Session } from '../session.ts';
import { fixedAt, forcedFacts } from './forced-facts.ts';
import { describeSituation, enumerateSituations, factsRead, pointsRead, runIn, type ProcedureSituation } from './situations.ts';

const roleOfClause = (clause: string): ClauseRole | undefined =>
  Object.hasOwn(followableClauses, clause) ? followableClauses[clause as keyof typeof followableClauses].role : undefined;

/** Events the rules of `clause` trigger on, in first-use order. */
function clauseEvents(rules: readonly RuleIR[], clause: string): string[] {
  const events: string[] = [];
  for (const rule of rules) if (rule.clause === clause) for (const t of rule.triggers) if (!events.includes(t.event)) events.push(t.event);
  return events;
}

type Release =
  | { kind: 'effective'; via: EvaluatedDecision }
  | { kind: 'forbidden'; via: EvaluatedDecision; action: string; forbidding: EvaluatedDecision }
  | { kind: 'empty'; via: EvaluatedDecision; action: string };

/** What `follow-clause <release clause>` does in `situation`: the followed clause's own rules, run there. */
function resolveRelease(rules: readonly RuleIR[], via: EvaluatedDecision, situation: ProcedureSituation): Release {
  const clause = via.args[0] ?? '';
  const action = clauseRoleActions[roleOfClause(clause) ?? 'session-release'] ?? '';
  const decisions = clauseEvents(rules, clause).flatMap((event) => runIn(rules, event, situation).decisions);
  const forbidding = decisions.find((d) => d.modality === 'SHALL NOT' && d.action === action);
  if (forbidding !== undefined) return { kind: 'forbidden', via, action, forbidding };
  const byClause = new Map(rules.map((r) => [r.id, r.clause]));
  const performed = decisions.some((d) => d.modality !== 'SHALL NOT' && d.action === action && byClause.get(d.rule) === clause);
  return performed ? { kind: 'effective', via } : { kind: 'empty', via, action };
}

export function reportSessionOutcomes(ir: SpecIR, session: Session): void {
  const events = sessionOutcomeEvents.map((e) => ({ ...e, rules: rulesForEvent(ir.rules, e.event) }));
  const involved: RuleIR[] = [...new Set(events.flatMap((e) => e.rules))];
  if (involved.length === 0) return;
  const byId = new Map(ir.rules.map((r) => [r.id, r]));
  const at = involved[involved.length - 1]?.source ?? null;
  const releaseClauses = Object.keys(followableClauses).filter((c) => roleOfClause(c) === 'session-release');
  const allEvents = [...new Set([...events.map((e) => e.event), ...releaseClauses.flatMap((c) => clauseEvents(ir.rules, c))])];
  const extra = ['pending-files-same-destination', ...events.flatMap((e) => (e.raisedWhen === null ? [] : [e.raisedWhen]))];
  const forced = forcedFacts(ir.rules);
  const situations = enumerateSituations(factsRead(ir.rules, allEvents, extra), pointsRead(ir.rules, allEvents), fixedAt(forced, events[0]?.event ?? ''));
  if (situations === null) {
    session.warning('session-outcome-unchecked', 'the session-outcome rules read too many facts and decision points to try every situation', at);
    return;
  }
  for (const situation of situations) {
    const raised = events.filter((e) => e.raisedWhen === null || situation.holding[e.raisedWhen] === true);
    const decisions = raised.flatMap((e) => runIn(ir.rules, e.event, situation).decisions).filter((d) => d.modality !== 'SHALL NOT');
    const follows = decisions.find((d) => d.action === 'follow-clause' && roleOfClause(d.args[0] ?? '') === 'session-release');
    const release = follows === undefined ? undefined : resolveRelease(ir.rules, follows, situation);
    const reinvite = decisions.find((d) => d.action === 'send-reinvite');
    const continues = reinvite !== undefined && situation.holding['pending-files-same-destination'] === true && decisions.some((d) => d.action === 'check-pending-files');
    const where = `on ${raised.map((e) => e.event).join(' + ')} ${describeSituation(situation)}`;
    if (release?.kind === 'forbidden') {
      const forbidding = byId.get(release.forbidding.rule);
      session.error(
        'prohibited-outcome',
        `${where}: rule '${release.via.rule}' releases the session by following ${release.via.args[0]}, whose ${release.action} SHALL NOT rule '${release.forbidding.rule}' forbids; the session would be left open`,
        forbidding?.source ?? at,
        [{ message: `'${release.via.rule}' follows ${release.via.args[0]} here`, location: byId.get(release.via.rule)?.source ?? null }],
      );
      return;
    }
    if (release?.kind === 'effective' && reinvite !== undefined) {
      session.error('session-outcome-conflict', `${where}: rule '${release.via.rule}' releases the session while rule '${reinvite.rule}' continues it`, at);
      return;
    }
    if (release?.kind !== 'effective' && !continues) {
      const why = release?.kind === 'empty'
        ? `rule '${release.via.rule}' follows ${release.via.args[0]}, but no rule of ${release.via.args[0]} performs ${release.action} in this situation`
        : reinvite === undefined
          ? 'no rule releases the session or continues it with a re-INVITE'
          : `rule '${reinvite.rule}' sends a re-INVITE but no pending files are taken into the session`;
      const located = release?.kind === 'empty' ? byId.get(release.via.rule)?.source ?? at : at;
      session.error('uncovered-situation', `${where}: ${why}; the runtime has no default for this`, located);
      return;
    }
  }
}
