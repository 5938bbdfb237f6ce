// The reviewer's half of each trace entry, from generated/trace.json: the CR statement each rule
// covers (the whole sentence when the CR text is at hand, else the quote; its modal verb when it is
// not the rule's modality) and the runtime code per action.
import type { StaticTrace } from '../emit/emit-trace-json.ts';
import type { CrText } from '../coverage/extract-statements.ts';
import { collapse, modalityOf, statementKey } from '../coverage/extract-statements.ts';
import type { TraceRuleDetails } from './build-trace.ts';

export function ruleDetails(trace: StaticTrace, text: CrText | null, executors: ReadonlyMap<string, readonly string[]>): Map<string, TraceRuleDetails> {
  const details = new Map<string, TraceRuleDetails>();
  for (const rule of trace.rules) {
    const covers = (rule.covers ?? []).map((c) => {
      const quote = collapse(c.quote);
      const statement = text?.statements.find((s) => statementKey(s.clause, s.step) === statementKey(rule.clause, c.step) && s.text.includes(quote))?.text ?? null;
      // The same comparison as spec check's covers-modality-mismatch warning, marked on the page.
      const quoted = modalityOf(quote);
      return { step: c.step, quote: c.quote, statement, ...(quoted !== null && quoted !== rule.modality ? { quoteModality: quoted } : {}) };
    });
    const actions = (rule.actions ?? []).map((a) => ({ name: a.name, args: a.args, executors: [...(executors.get(a.name) ?? [])] }));
    details.set(rule.id, { covers, actions });
  }
  return details;
}
