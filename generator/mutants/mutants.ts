// The runtime mutants of a spec: for every rule of the effective spec (all CRs applied), the ways a
// runtime could disobey it. `cpm-ft spec mutants` runs the generated conformance tests against each
// one (run-mutants.ts); a mutant no generated test fails on "survives", and shows a rule whose tests
// a disobeying runtime passes. The list is plain JSON: it crosses into the test workers as vitest's
// provided context, where mutation-setup.ts installs it at the runtime's executor level.
import type { Modality, RuleIR, SpecIR } from '../ir/types.ts';

/**
 * - `action-removed`: the runtime ignores one action of the rule (its executor is gone) where the rule asks for it.
 * - `prohibition-performed`: a SHALL NOT rule's action is performed in the situation where the rule forbids it.
 * - `decision-always` / `decision-never`: the application's answer at the rule's decision point is
 *   ignored, the rule's branch always taken / never taken.
 */
export type MutantKind = 'action-removed' | 'prohibition-performed' | 'decision-always' | 'decision-never';

export interface Mutant {
  /** Unique in one list: `<rule>/<kind>[/<action>]`. */
  readonly id: string;
  readonly rule: string;
  readonly modality: Modality;
  readonly kind: MutantKind;
  /** For `action-removed` and `prohibition-performed`: the action (with its arguments) the mutant touches. */
  readonly action: { readonly name: string; readonly args: readonly string[] } | null;
  /** What the mutated runtime does, in words. */
  readonly description: string;
}

export const mutantKinds: readonly MutantKind[] = ['action-removed', 'prohibition-performed', 'decision-always', 'decision-never'];

const actionText = (a: { name: string; args: readonly string[] }): string => [a.name, ...a.args].join(' ');

function mutantsOfRule(rule: RuleIR): Mutant[] {
  const out: Mutant[] = [];
  const distinct = new Map(rule.actions.map((a) => [actionText(a), a]));
  if (rule.modality === 'SHALL NOT') {
    // Forgetting a prohibition is not a mutant of its own: nothing asks for a forbidden action in the
    // situation (`spec check` rejects that as modality-conflict), so a runtime that forgets it behaves
    // the same. The disobedience to test is performing it.
    for (const [text, a] of distinct) {
      out.push({ id: `${rule.id}/prohibition-performed/${text}`, rule: rule.id, modality: rule.modality, kind: 'prohibition-performed', action: { name: a.name, args: [...a.args] }, description: `performs ${text} where the rule forbids it` });
    }
    return out;
  }
  for (const [text, a] of distinct) {
    out.push({ id: `${rule.id}/action-removed/${text}`, rule: rule.id, modality: rule.modality, kind: 'action-removed', action: { name: a.name, args: [...a.args] }, description: `ignores ${text} where the rule asks for it` });
  }
  if (rule.decision !== null) {
    out.push({ id: `${rule.id}/decision-always`, rule: rule.id, modality: rule.modality, kind: 'decision-always', action: null, description: `ignores the answer at ${rule.decision}: always takes the rule's branch` });
    out.push({ id: `${rule.id}/decision-never`, rule: rule.id, modality: rule.modality, kind: 'decision-never', action: null, description: `ignores the answer at ${rule.decision}: never takes the rule's branch` });
  }
  return out;
}

/** Every mutant of every rule, in rule order. */
export function listMutants(ir: Pick<SpecIR, 'rules'>): Mutant[] {
  return ir.rules.flatMap(mutantsOfRule);
}
