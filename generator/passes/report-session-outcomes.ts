// After the last SEND the runtime runs the rules of the session-outcome events (vocabulary
// sessionOutcomeEvents) and must then release the session or continue it with a re-INVITE; it has
// no default of its own. This pass tries every combination of the facts those rules read and of
// their decision answers, and reports a situation in which no rule, or both kinds of rule, decide.
import { followableClauses, sessionOutcomeEvents } from '../../runtime/index.ts';
import type { RuleIR, SpecIR } from '../ir/types.ts';
import { evaluateEvent, guardFacts, rulesForEvent } from '../emit/rule-semantics.ts';
import type { Session } from '../session.ts';

const maxBits = 16;

const releases = (d: { action: string; args: string[] }): boolean =>
  d.action === 'follow-clause' && Object.hasOwn(followableClauses, d.args[0] ?? '') && followableClauses[d.args[0] as keyof typeof followableClauses].role === 'session-release';

export function reportSessionOutcomes(ir: SpecIR, session: Session): void {
  const events = sessionOutcomeEvents.map((e) => ({ ...e, rules: rulesForEvent(ir.rules, e.event) }));
  const involved: RuleIR[] = [...new Set(events.flatMap((e) => e.rules))];
  if (involved.length === 0) return;
  const facts: string[] = ['pending-files-same-destination'];
  for (const e of events) if (e.raisedWhen !== null && !facts.includes(e.raisedWhen)) facts.push(e.raisedWhen);
  for (const r of involved) {
    for (const t of r.triggers) guardFacts(t.guard, facts);
    guardFacts(r.guard, facts);
  }
  const deciders = involved.filter((r) => r.decision !== null).map((r) => r.id);
  const names = [...facts, ...deciders.map((id) => `decide:${id}`)];
  const at = involved[involved.length - 1]?.source ?? null;
  if (names.length > maxBits) {
    session.warning('session-outcome-unchecked', `the session-outcome rules read ${names.length} facts and decisions; too many to try every situation`, at);
    return;
  }
  for (let mask = 0; mask < 2 ** names.length; mask++) {
    const chosen = names.filter((_, i) => (mask & (1 << i)) !== 0);
    const holding = Object.fromEntries(chosen.filter((n) => !n.startsWith('decide:')).map((n) => [n, true]));
    const yes = chosen.filter((n) => n.startsWith('decide:')).map((n) => n.slice('decide:'.length));
    const raised = events.filter((e) => e.raisedWhen === null || holding[e.raisedWhen] === true);
    const decisions = raised.flatMap((e) => evaluateEvent(ir.rules, e.event, { facts: holding, decide: (_p, id) => yes.includes(id) }).decisions).filter((d) => d.modality !== 'SHALL NOT');
    const release = decisions.find(releases);
    const reinvite = decisions.find((d) => d.action === 'send-reinvite');
    const continues = reinvite !== undefined && holding['pending-files-same-destination'] === true && decisions.some((d) => d.action === 'check-pending-files');
    const situation = `on ${raised.map((e) => e.event).join(' + ')} when ${chosen.filter((n) => !n.startsWith('decide:')).join(', ') || 'no fact holds'}${yes.length > 0 ? `, decided yes at ${yes.join(', ')}` : ''}`;
    if (release !== undefined && reinvite !== undefined) {
      session.error('session-outcome-conflict', `${situation}: rule '${release.rule}' releases the session while rule '${reinvite.rule}' continues it`, at);
      return;
    }
    if (release === undefined && !continues) {
      const why = reinvite === undefined ? 'no rule releases the session or continues it with a re-INVITE' : `rule '${reinvite.rule}' sends a re-INVITE but no pending files are taken into the session`;
      session.error('uncovered-situation', `${situation}: ${why}; the runtime has no default for this`, at);
      return;
    }
  }
}
