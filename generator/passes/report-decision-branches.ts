// A MAY / SHOULD / SHOULD NOT rule offers two branches: the client does it, or it does not. Both
// must be possible, or the rule says nothing a SHALL (or no rule) would not say, and its generated
// test of the missing branch can never pass. The runtime takes one answer per decision point, so
// two rules sharing a point get the same answer: declining 7.6.1-4.a's point also declines a rule
// that is only reached when 4.a fired. Over every situation of the rule's events (situations.ts),
// this pass reports a branch no situation takes (`unreachable-branch`), with a note at each other
// rule that shares the point.
import type { RuleIR, SpecIR } from '../ir/types.ts';
import { rulesForEvent, triggeredEvents } from '../emit/rule-semantics.ts';
import type { Session } from '../session.ts';
import { fixedAt, forcedFacts } from './forced-facts.ts';
import { answerFor, enumerateSituations, factsRead, pointsRead, runIn } from './situations.ts';

const branchWords = (rule: RuleIR, yes: boolean): string => {
  if (rule.modality === 'SHOULD') return yes ? 'default (yes)' : 'declined';
  if (rule.modality === 'SHOULD NOT') return yes ? 'opted-in' : 'default (no)';
  return yes ? "'decided yes'" : "'decided no'";
};

export function reportDecisionBranches(ir: SpecIR, session: Session): void {
  const forced = forcedFacts(ir.rules);
  const seen = new Map<string, { yes: boolean; no: boolean; reached: boolean }>();
  for (const event of triggeredEvents(ir.rules)) {
    const deciders = rulesForEvent(ir.rules, event).filter((r) => r.decision !== null);
    if (deciders.length === 0) continue;
    const situations = enumerateSituations(factsRead(ir.rules, [event]), pointsRead(ir.rules, [event]), fixedAt(forced, event));
    if (situations === null) continue;
    for (const situation of situations) {
      const run = runIn(ir.rules, event, situation);
      for (const rule of deciders) {
        if (!run.consulted.includes(rule.id)) continue;
        const entry = seen.get(rule.id) ?? { yes: false, no: false, reached: false };
        entry.reached = true;
        if (answerFor(rule, situation)) entry.yes = true;
        else entry.no = true;
        seen.set(rule.id, entry);
      }
    }
  }
  for (const rule of ir.rules) {
    const entry = seen.get(rule.id);
    // A rule whose situation never arises at all is unreachable-rule's concern, not a branch's.
    if (rule.decision === null || entry === undefined || (entry.yes && entry.no)) continue;
    const missing = !entry.no;
    const sharing = ir.rules.filter((r) => r !== rule && r.decision === rule.decision);
    const why = sharing.length > 0
      ? `its decision point '${rule.decision}' is also consulted by ${sharing.map((r) => `'${r.id}'`).join(', ')}, and the runtime takes one answer per point: answering ${missing ? 'no' : 'yes'} there keeps '${rule.id}' from being reached`
      : `no situation reaches it with the answer ${missing ? 'no' : 'yes'} at '${rule.decision}'`;
    session.error(
      'unreachable-branch',
      `the ${branchWords(rule, !missing)} branch of ${rule.modality} rule '${rule.id}' can never be taken: ${why}; use a decision point of its own, or make the rule SHALL`,
      rule.source,
      sharing.map((r) => ({ message: `'${r.id}' consults '${rule.decision}' here`, location: r.source })),
    );
  }
}
