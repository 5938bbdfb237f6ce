// A SHALL NOT rule forbids an action that another rule of the same event asks for in a situation
// where both apply: the spec contradicts itself there (the runtime would refuse the action and
// fail the transfer). Found by searching the situations of the event with the rule semantics.
import type { RuleIR, SpecIR } from '../ir/types.ts';
import { prohibits, rulesForEvent, triggeredEvents } from '../emit/rule-semantics.ts';
import { searchSituation } from '../emit/search-situation.ts';
import type { Session } from '../session.ts';

const sameAction = (a: RuleIR['actions'][number], b: RuleIR['actions'][number]): boolean =>
  a.name === b.name && (b.args.length === 0 || a.args.join(' ') === b.args.join(' '));

export function reportModalityConflicts(ir: SpecIR, session: Session): void {
  const reported = new Set<string>();
  for (const event of triggeredEvents(ir.rules)) {
    const rules = rulesForEvent(ir.rules, event);
    for (const forbidding of rules.filter(prohibits)) {
      for (const asking of rules.filter((r) => !prohibits(r) && r.actions.some((a) => forbidding.actions.some((f) => sameAction(a, f))))) {
        const key = `${forbidding.id}|${asking.id}`;
        if (reported.has(key)) continue;
        const both = searchSituation(ir.rules, event, (run) => run.fired.has(asking.id) && run.decisions.some((d) => d.rule === forbidding.id));
        if (both === null) continue;
        reported.add(key);
        const action = forbidding.actions.find((f) => asking.actions.some((a) => sameAction(a, f)))?.name ?? '';
        const when = both.facts.length === 0 ? 'no fact' : both.facts.join(', ');
        session.error('modality-conflict', `SHALL NOT rule '${forbidding.id}' forbids ${action} that ${asking.modality} rule '${asking.id}' asks for on ${event} (e.g. when ${when})`, forbidding.source, [
          { message: `'${asking.id}' asks for it here`, location: asking.source },
        ]);
      }
    }
  }
}
