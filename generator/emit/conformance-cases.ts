// Picks, for each rule and branch, the smallest set of true facts (and decision answers) under
// which the rule is reached, by searching the rule semantics; the expected decisions come from the
// same reference semantics, so a generated handler that disagrees fails its test.
import type { RuleIR } from '../ir/types.ts';
import { evaluateEvent, guardFacts, rulesForEvent } from './rule-semantics.ts';

export type Branch = 'only' | 'yes' | 'no';

export interface ConformanceCase {
  rule: RuleIR;
  event: string;
  branch: Branch;
  /** Facts set to true; every other fact is false. */
  facts: string[];
  /** Rules whose decision point answers yes. */
  yes: string[];
  /** The decisions the rule under test must produce. */
  expected: { action: string; args: string[]; modality: string }[];
  title: string;
}

/** Search bound: events read few facts, but a pathological spec must not hang the generator. */
const maxSearchBits = 16;

function subsetsBySize(count: number): number[] {
  const all = Array.from({ length: 2 ** count }, (_, i) => i);
  const bits = (n: number): number => n.toString(2).replace(/0/g, '').length;
  return all.sort((a, b) => bits(a) - bits(b) || a - b);
}

function findCase(rules: readonly RuleIR[], rule: RuleIR, event: string, branch: Branch): ConformanceCase | null {
  const involved = rulesForEvent(rules, event);
  const facts: string[] = [];
  for (const r of involved) {
    for (const trigger of r.triggers) if (trigger.event === event) guardFacts(trigger.guard, facts);
    guardFacts(r.guard, facts);
  }
  const deciders = involved.filter((r) => r.decision !== null).map((r) => r.id);
  const names = [...facts, ...deciders.map((id) => `decide:${id}`)];
  if (names.length > maxSearchBits) return null;
  for (const mask of subsetsBySize(names.length)) {
    const chosen = names.filter((_, i) => (mask & (1 << i)) !== 0);
    const holding = chosen.filter((name) => !name.startsWith('decide:'));
    const yes = chosen.filter((name) => name.startsWith('decide:')).map((name) => name.slice('decide:'.length));
    const run = evaluateEvent(rules, event, {
      facts: Object.fromEntries(holding.map((name) => [name, true])),
      decide: (_point, id) => yes.includes(id),
    });
    const reached = branch === 'no' ? run.consulted.includes(rule.id) && !yes.includes(rule.id) : run.fired.has(rule.id);
    if (!reached) continue;
    const expected = run.decisions.filter((d) => d.rule === rule.id).map((d) => ({ action: d.action, args: d.args, modality: d.modality }));
    const branchLabel = branch === 'only' ? '' : ` [decided ${branch}]`;
    const when = holding.length === 0 ? '' : ` when ${holding.join(', ')}`;
    const outcome = expected.length === 0 ? 'asks for nothing' : `asks for ${expected.map((d) => d.action).join(', ')}`;
    return { rule, event, branch, facts: holding, yes, expected, title: `${rule.id}${branchLabel} handler: on ${event}${when} ${outcome}` };
  }
  return null;
}

/** Every reachable case of every rule, in rule order then event order. */
export function conformanceCases(rules: readonly RuleIR[], events: readonly string[]): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const rule of rules) {
    const branches: Branch[] = rule.decision === null ? ['only'] : ['yes', 'no'];
    for (const event of events) {
      if (!rulesForEvent(rules, event).includes(rule)) continue;
      for (const branch of branches) {
        const found = findCase(rules, rule, event, branch);
        if (found !== null) cases.push(found);
      }
    }
  }
  return cases;
}
