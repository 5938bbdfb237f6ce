// Every situation the rules of some events can meet, for the semantic checks: each combination of
// the facts those rules read, limited to what the runtime can produce together (derived and
// exclusive facts, runtime/procedure/fact-implications.ts, and facts an earlier action forces),
// and of the application's answer at each decision point they consult: yes, no, or unanswered
// (then the rule's modality decides: SHOULD yes, SHOULD NOT no, MAY the point's default). Answers
// are per decision point, as the runtime takes them, so two rules sharing a point get the same one.
import { decisionPoints, defaultDecision, derivedFacts, exclusiveFacts, type DecidedModality, type DecisionPoint } from '../../runtime/index.ts';
import type { RuleIR } from '../ir/types.ts';
import { evaluateEvent, guardFacts, rulesForEvent, type EventRun } from '../emit/rule-semantics.ts';

export interface ProcedureSituation {
  /** The value of every fact read (unlisted facts are false). */
  readonly holding: Readonly<Record<string, boolean>>;
  /** The application's answer per decision point; undefined: unanswered. */
  readonly answers: Readonly<Record<string, boolean | undefined>>;
}

/** Upper bound on the situations tried per check, so a pathological spec cannot hang `spec check`. */
export const maxSituations = 1 << 16;

const derived = derivedFacts as Readonly<Record<string, { from: string; equals: boolean } | undefined>>;

/** Facts the rules of `events` read (trigger guards of those events and rule guards), plus `extra`. */
export function factsRead(rules: readonly RuleIR[], events: readonly string[], extra: readonly string[] = []): string[] {
  const facts = [...extra];
  for (const event of events) {
    for (const rule of rulesForEvent(rules, event)) {
      for (const trigger of rule.triggers) if (trigger.event === event) guardFacts(trigger.guard, facts);
      guardFacts(rule.guard, facts);
    }
  }
  return facts;
}

/** Decision points of the rules of `events`, in first-use order. */
export function pointsRead(rules: readonly RuleIR[], events: readonly string[]): string[] {
  const points: string[] = [];
  for (const event of events) for (const rule of rulesForEvent(rules, event)) if (rule.decision !== null && !points.includes(rule.decision)) points.push(rule.decision);
  return points;
}

/**
 * The situations over `facts` and `points`, `fixed` facts held at their value; null when there are
 * more than maxSituations. Facts derived from others are computed, not enumerated.
 */
export function enumerateSituations(facts: readonly string[], points: readonly string[], fixed: Readonly<Record<string, boolean>> = {}): ProcedureSituation[] | null {
  const base: string[] = [];
  const add = (fact: string): void => {
    if (!base.includes(fact)) base.push(fact);
  };
  for (const fact of facts) {
    const rule = derived[fact];
    if (rule !== undefined) add(rule.from);
    else add(fact);
  }
  for (const group of exclusiveFacts) if (group.some((f) => base.includes(f))) for (const f of group) add(f);
  const free = base.filter((f) => !Object.hasOwn(fixed, f));
  const count = 2 ** free.length * 3 ** points.length;
  if (count > maxSituations) return null;
  const out: ProcedureSituation[] = [];
  for (let mask = 0; mask < 2 ** free.length; mask++) {
    const holding: Record<string, boolean> = {};
    for (const [fact, value] of Object.entries(fixed)) holding[fact] = value;
    free.forEach((fact, i) => { holding[fact] = (mask & (1 << i)) !== 0; });
    if (exclusiveFacts.some((group) => group.some((f) => base.includes(f)) && group.filter((f) => holding[f] === true).length !== 1)) continue;
    for (const [fact, rule] of Object.entries(derived)) if (rule !== undefined && Object.hasOwn(holding, rule.from)) holding[fact] = holding[rule.from] === rule.equals;
    if (Object.entries(fixed).some(([fact, value]) => holding[fact] !== value)) continue;
    for (let answerIndex = 0; answerIndex < 3 ** points.length; answerIndex++) {
      const answers: Record<string, boolean | undefined> = {};
      let rest = answerIndex;
      for (const point of points) {
        const digit = rest % 3;
        rest = Math.floor(rest / 3);
        answers[point] = digit === 0 ? undefined : digit === 1;
      }
      out.push({ holding, answers });
    }
  }
  return out;
}

/** The answer a rule gets in `situation`: the point's answer, else its modality's default. */
export function answerFor(rule: Pick<RuleIR, 'modality' | 'decision'>, situation: ProcedureSituation): boolean {
  const point = rule.decision ?? '';
  const answer = situation.answers[point];
  if (answer !== undefined) return answer;
  if (!Object.hasOwn(decisionPoints, point) || rule.modality === 'SHALL' || rule.modality === 'SHALL NOT') return false;
  return defaultDecision(point as DecisionPoint, rule.modality as DecidedModality);
}

/** Runs the rules of `event` in `situation`. */
export function runIn(rules: readonly RuleIR[], event: string, situation: ProcedureSituation): EventRun {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return evaluateEvent(rules, event, {
    facts: situation.holding,
    decide: (_point, id) => {
      const rule = byId.get(id);
      return rule !== undefined && answerFor(rule, situation);
    },
  });
}

/** The situation in words: the facts that hold and the answers given. */
export function describeSituation(situation: ProcedureSituation): string {
  const facts = Object.entries(situation.holding).filter(([, v]) => v).map(([k]) => k);
  const answers = Object.entries(situation.answers).filter(([, v]) => v !== undefined).map(([p, v]) => `${p}: ${v === true ? 'yes' : 'no'}`);
  return `when ${facts.length === 0 ? 'no fact holds' : facts.join(', ')}${answers.length > 0 ? `, answered ${answers.join(', ')}` : ''}`;
}
