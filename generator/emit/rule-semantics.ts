// The meaning of the rule IR for one event, as a plain interpreter. The emitted handlers implement
// exactly this; the conformance emitter uses it to pick facts and expected decisions, and tests
// compare the generated code against it.
import type { GuardIR, RuleIR, SpecIR } from '../ir/types.ts';

export interface EvaluatedDecision {
  rule: string;
  modality: RuleIR['modality'];
  action: string;
  args: string[];
}

export interface EvaluationInput {
  facts: Readonly<Record<string, boolean>>;
  /** The answer per rule id at its decision point; absent means no. */
  decide: (point: string, rule: string) => boolean;
}

/**
 * What each modality means, defined once here and emitted into the handlers:
 * - SHALL: whenever the rule's situation holds, it fires and its actions are decisions.
 * - SHALL NOT: whenever the situation holds, its actions are prohibitions (decisions with modality
 *   SHALL NOT, which the runtime records and refuses to perform); the rule never counts as fired.
 * - SHOULD / SHOULD NOT / MAY: the rule fires when the situation holds and the application answers
 *   yes at its decision point; unanswered, SHOULD means yes, SHOULD NOT no, MAY the vocabulary's
 *   default for the point (the runtime applies these defaults, the handler passes the modality).
 */
export const prohibits = (rule: Pick<RuleIR, 'modality'>): boolean => rule.modality === 'SHALL NOT';

/** Rules that take part in the handler of `event`, in spec order. */
export function rulesForEvent(rules: readonly RuleIR[], event: string): RuleIR[] {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const memo = new Map<string, boolean>();
  const takesPart = (rule: RuleIR, seen: Set<string>): boolean => {
    const known = memo.get(rule.id);
    if (known !== undefined) return known;
    let result = rule.triggers.some((trigger) => trigger.event === event);
    // An otherwise-rule without its own trigger for the event follows the rule it is the branch of.
    if (!result && rule.otherwiseOf !== null && !rule.triggers.some((t) => t.event === event) && !seen.has(rule.id)) {
      const target = byId.get(rule.otherwiseOf);
      result = target !== undefined && takesPart(target, new Set([...seen, rule.id]));
    }
    memo.set(rule.id, result);
    return result;
  };
  return rules.filter((rule) => takesPart(rule, new Set()));
}

/** Events some rule triggers on, in first-use order. */
export function triggeredEvents(rules: readonly RuleIR[]): string[] {
  const events: string[] = [];
  for (const rule of rules) for (const trigger of rule.triggers) if (!events.includes(trigger.event)) events.push(trigger.event);
  return events;
}

export function evaluateGuard(guard: GuardIR, facts: Readonly<Record<string, boolean>>, fired: ReadonlySet<string>): boolean {
  switch (guard.kind) {
    case 'fact':
      return facts[guard.name] === true;
    case 'fired':
      return fired.has(guard.rule);
    case 'not':
      return !evaluateGuard(guard.operand, facts, fired);
    case 'and':
      return guard.operands.every((operand) => evaluateGuard(operand, facts, fired));
    case 'or':
      return guard.operands.some((operand) => evaluateGuard(operand, facts, fired));
    default:
      throw new Error(`internal error: unknown guard kind in the IR: ${JSON.stringify(guard satisfies never)}`);
  }
}

/** Facts a guard reads, in first-use order. */
export function guardFacts(guard: GuardIR | null, into: string[] = []): string[] {
  if (guard === null) return into;
  switch (guard.kind) {
    case 'fact':
      if (!into.includes(guard.name)) into.push(guard.name);
      break;
    case 'fired':
      break;
    case 'not':
      guardFacts(guard.operand, into);
      break;
    case 'and':
    case 'or':
      for (const operand of guard.operands) guardFacts(operand, into);
      break;
    default:
      throw new Error(`internal error: unknown guard kind in the IR: ${JSON.stringify(guard satisfies never)}`);
  }
  return into;
}

export interface EventRun {
  decisions: EvaluatedDecision[];
  matched: Set<string>;
  fired: Set<string>;
  /** Rules whose decision point was consulted, in call order. */
  consulted: string[];
}

/** Runs the rules of one event: the reference semantics of a generated `on<Event>` handler. */
export function evaluateEvent(rules: readonly RuleIR[], event: string, input: EvaluationInput): EventRun {
  const run: EventRun = { decisions: [], matched: new Set(), fired: new Set(), consulted: [] };
  for (const rule of rulesForEvent(rules, event)) {
    const own = rule.triggers.filter((trigger) => trigger.event === event);
    let applies =
      own.length === 0 || own.some((trigger) => trigger.guard === null || evaluateGuard(trigger.guard, input.facts, run.fired));
    if (rule.otherwiseOf !== null) applies = applies && run.matched.has(rule.otherwiseOf) && !run.fired.has(rule.otherwiseOf);
    if (!applies) continue;
    run.matched.add(rule.id);
    if (rule.guard !== null && !evaluateGuard(rule.guard, input.facts, run.fired)) continue;
    if (rule.decision !== null) {
      run.consulted.push(rule.id);
      if (!input.decide(rule.decision, rule.id)) continue;
    }
    if (!prohibits(rule)) run.fired.add(rule.id);
    for (const action of rule.actions) run.decisions.push({ rule: rule.id, modality: rule.modality, action: action.name, args: [...action.args] });
  }
  return run;
}

/** Rules grouped by the output unit of their clause, units in first-use order. */
export function rulesByUnit(ir: SpecIR): Map<string, RuleIR[]> {
  const unitOf = new Map(ir.clauses.map((clause) => [clause.id, clause.unit]));
  const units = new Map<string, RuleIR[]>();
  for (const rule of ir.rules) {
    const unit = unitOf.get(rule.clause) ?? 'procedures';
    const list = units.get(unit) ?? [];
    list.push(rule);
    units.set(unit, list);
  }
  return units;
}
