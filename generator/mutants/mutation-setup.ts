// The mutation hook: a vitest setup file that only `cpm-ft spec mutants` (run-mutants.ts) passes to
// the test runs it starts; no configuration of the repository names it, so `npm test` and the
// shipped client run the runtime unchanged. Through vitest's module mocks it replaces two runtime
// functions, for the test files of those runs only, by the original wrapped with the mutant that
// is active for the running test (apply-mutant.ts):
// - runtime/transfer/action-executors.ts `executeDecisions`: the executor registry level every
//   side goes through; the mutant drops an action of its rule or performs a prohibited one;
// - runtime/transfer/procedure-runner.ts `runProcedure`: the mutant answers its rule's decision point.
// Which mutant is active comes from the provided context `cpmFtMutation`: one mutant for every test
// of the run, or one per test (by test name), so one run can try several mutants on different tests.
import { afterEach, beforeEach, inject, vi } from 'vitest';
import type { Mutant } from './mutants.ts';

export interface MutationAssignment {
  /** Installed for every test of the run not named in `byTest`; null: the unmutated runtime. */
  readonly all: Mutant | null;
  /** Installed for the test of that name. */
  readonly byTest: Readonly<Record<string, Mutant>>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cpmFtMutation: MutationAssignment;
  }
}

// Tests of one file run one after the other in one worker: the active mutant is per worker.
const active = vi.hoisted(() => ({ mutant: null as Mutant | null }));

beforeEach((context) => {
  const assignment = inject('cpmFtMutation');
  active.mutant = assignment.byTest[context.task.name] ?? assignment.all;
});
afterEach(() => {
  active.mutant = null;
});

vi.mock('../../runtime/transfer/action-executors.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../runtime/transfer/action-executors.ts')>();
  const { mutateDecisions } = await import('./apply-mutant.ts');
  const executeDecisions: typeof original.executeDecisions = (phase, plan, event, decisions) =>
    original.executeDecisions(phase, plan, event, mutateDecisions(decisions, active.mutant));
  return { ...original, executeDecisions };
});

vi.mock('../../runtime/transfer/procedure-runner.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../runtime/transfer/procedure-runner.ts')>();
  const { mutatePolicy } = await import('./apply-mutant.ts');
  const runProcedure: typeof original.runProcedure = (handlers, event, facts, policy) =>
    original.runProcedure(handlers, event, facts, mutatePolicy(policy, active.mutant));
  return { ...original, runProcedure };
});
