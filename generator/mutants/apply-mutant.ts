// What a mutant changes in the runtime, as two pure functions the mutation hook (mutation-setup.ts)
// wraps around the runtime's own: the decisions an event's rules return, before the one executor
// table turns them into the phase's plan (runtime/transfer/action-executors.ts `executeDecisions`),
// and the application's answers at decision points (runtime/transfer/procedure-runner.ts
// `runProcedure`'s policy). Nothing in the runtime knows about mutants.
import type { Decision, DecisionPolicy } from '../../runtime/index.ts';
import type { Mutant } from './mutants.ts';

const sameAction = (d: Decision, action: NonNullable<Mutant['action']>): boolean =>
  d.action === action.name && d.args.join(' ') === action.args.join(' ');

/** The decisions the mutated runtime executes: an action of the rule dropped, or a prohibition carried out as if required. */
export function mutateDecisions(decisions: readonly Decision[], mutant: Mutant | null): readonly Decision[] {
  if (mutant === null || mutant.action === null) return decisions;
  const action = mutant.action;
  if (mutant.kind === 'action-removed') return decisions.filter((d) => !(d.rule === mutant.rule && sameAction(d, action)));
  if (mutant.kind === 'prohibition-performed') {
    return decisions.map((d) => (d.rule === mutant.rule && d.modality === 'SHALL NOT' && sameAction(d, action) ? { ...d, modality: 'SHALL' as const } : d));
  }
  return decisions;
}

/** The answers the mutated runtime gives at the rule's decision point: fixed, whatever the application said. */
export function mutatePolicy(policy: DecisionPolicy, mutant: Mutant | null): DecisionPolicy {
  if (mutant === null || (mutant.kind !== 'decision-always' && mutant.kind !== 'decision-never')) return policy;
  const forced = mutant.kind === 'decision-always';
  return (point, rule, modality) => (rule === mutant.rule ? forced : policy(point, rule, modality));
}
