// Runs generated conformance tests against runtime mutants in one vitest instance (vitest's Node
// API), so module transforms are shared by all runs. The mutant of each test reaches the workers
// as vitest's provided context, read by mutation-setup.ts (the only setup file of these runs).
//
// To keep the number of runs small: a baseline run without mutants lists the tests (and must pass);
// then each round installs several mutants at once, each on all the wire tests of its own rule
// (tests of one rule never carry two mutants in the same round), so a round tries as many mutants
// as there are rules. A mutant its own rule's tests do not kill then gets a run of its own in which
// every test of the files meets it, before it counts as surviving.
import { fileURLToPath } from 'node:url';
import type { TestModule, TestRunResult, TestSpecification, Vitest } from 'vitest/node';
import type { MutationAssignment } from './mutation-setup.ts';
import type { Mutant } from './mutants.ts';

export interface MutantResult {
  readonly mutant: Mutant;
  /** The generated tests that failed against it (names); empty when it survived. */
  readonly killedBy: readonly string[];
}

export interface MutationRun {
  /** Tests that failed with no mutant installed: the score means nothing unless this is empty. */
  readonly baselineFailures: readonly string[];
  readonly results: readonly MutantResult[];
  /** vitest runs it took, the baseline included. */
  readonly runs: number;
}

export interface RunMutantsOptions {
  /** The repository root (where the test files' imports resolve). */
  readonly root: string;
  /** The test files to run, relative to root. */
  readonly files: readonly string[];
  readonly mutants: readonly Mutant[];
  /** Called as each mutant is decided, e.g. to print progress. */
  readonly onResult?: (result: MutantResult) => void;
}

const setupFile = fileURLToPath(new URL('./mutation-setup.ts', import.meta.url));

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Is `name` a generated wire test of `rule`: `<rule> wire: …` or `<rule> [branch] wire: …`. */
export function isRuleWireTest(name: string, rule: string): boolean {
  return new RegExp(`^${escape(rule)} (\\[[^\\]]*\\] )?wire: `).test(name);
}

interface RunOutcome {
  /** Test name → failed. */
  readonly tests: ReadonlyMap<string, boolean>;
  /** Files that failed to load, unhandled errors: they fail the whole run. */
  readonly errors: readonly string[];
}

function outcomeOf(result: TestRunResult): RunOutcome {
  const tests = new Map<string, boolean>();
  const errors: string[] = [];
  for (const module of result.testModules as TestModule[]) {
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed' || state === 'failed') tests.set(test.name, state === 'failed');
    }
    for (const error of module.errors()) errors.push(`${module.moduleId}: ${error.message}`);
  }
  for (const error of result.unhandledErrors) errors.push(`unhandled error: ${error instanceof Error ? error.message : String(error)}`);
  return { tests, errors };
}

async function runWith(vitest: Vitest, specs: TestSpecification[], assignment: MutationAssignment, only: readonly string[] | null): Promise<RunOutcome> {
  vitest.provide('cpmFtMutation', assignment);
  // The pattern is matched against the full name (describe > test): anchor each test name at the end.
  vitest.setGlobalTestNamePattern(only === null ? '' : new RegExp(`(${only.map((n) => `(^| )${escape(n)}$`).join('|')})`));
  return outcomeOf(await vitest.runTestSpecifications(specs));
}

export async function runMutants(options: RunMutantsOptions): Promise<MutationRun> {
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest(
    'test',
    {
      root: options.root,
      config: false,
      include: [...options.files],
      setupFiles: [setupFile],
      watch: false,
      reporters: [{}],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      maxWorkers: 2,
    },
    {},
  );
  try {
    const specs = await vitest.globTestSpecifications([...options.files]);
    if (specs.length === 0) throw new Error(`no test files match ${options.files.join(', ')}`);
    let runs = 1;
    const baseline = await runWith(vitest, specs, { all: null, byTest: {} }, null);
    const baselineFailures = [...baseline.errors, ...[...baseline.tests].filter(([, failed]) => failed).map(([name]) => name)];
    if (baselineFailures.length > 0) return { baselineFailures, results: [], runs };
    const names = [...baseline.tests.keys()];
    const results = new Map<Mutant, string[]>();
    const decide = (mutant: Mutant, killedBy: string[]): void => {
      results.set(mutant, killedBy);
      options.onResult?.({ mutant, killedBy });
    };

    // Rounds over the mutants' own rule tests.
    const own = new Map(options.mutants.map((m) => [m, names.filter((n) => isRuleWireTest(n, m.rule))]));
    let pending = options.mutants.filter((m) => (own.get(m) ?? []).length > 0);
    const untried = options.mutants.filter((m) => (own.get(m) ?? []).length === 0);
    const survivors: Mutant[] = [...untried];
    while (pending.length > 0) {
      const byTest: Record<string, Mutant> = {};
      const inRound: Mutant[] = [];
      const later: Mutant[] = [];
      for (const mutant of pending) {
        const tests = own.get(mutant) ?? [];
        if (tests.some((t) => byTest[t] !== undefined)) later.push(mutant);
        else {
          for (const t of tests) byTest[t] = mutant;
          inRound.push(mutant);
        }
      }
      runs++;
      const round = await runWith(vitest, specs, { all: null, byTest }, Object.keys(byTest));
      // A file that cannot load fails every mutant of the round; it is no kill, so they are tried again alone.
      for (const mutant of inRound) {
        const killedBy = round.errors.length > 0 ? [] : (own.get(mutant) ?? []).filter((t) => round.tests.get(t) === true);
        if (killedBy.length > 0) decide(mutant, killedBy);
        else survivors.push(mutant);
      }
      pending = later;
    }

    // Each survivor of its own tests meets every test.
    for (const mutant of survivors) {
      runs++;
      const full = await runWith(vitest, specs, { all: mutant, byTest: {} }, null);
      decide(mutant, [...full.errors, ...[...full.tests].filter(([, failed]) => failed).map(([name]) => name)]);
    }
    return { baselineFailures, results: options.mutants.map((mutant) => ({ mutant, killedBy: results.get(mutant) ?? [] })), runs };
  } finally {
    await vitest.close();
  }
}
