// vitest sequencer: the test files known to take longest start first. vitest orders files by the
// durations of an earlier run when its cache has them, and otherwise (a fresh clone, CI) by file size,
// which would start a small file that lands a CR in a copy of the project (a minute of child
// processes) last of all, leaving the other workers idle while it runs alone. Longest first keeps the
// workers busy to the end. Files not listed keep vitest's own order, after the listed ones.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Paths (a folder ends in '/') relative to the repository root, slowest first: each takes 30 s or more
 * of child processes and real peers on a 2-core machine. test/interop/tooling checks each one exists.
 */
export const SLOW_FILES: readonly string[] = [
  'test/package/package.test.ts',
  'test/bench/bench-smoke.test.ts',
  'test/cr-workflow/land-example/',
  'test/cli/cli-e2e.test.ts',
  'test/cr-workflow/readme-walkthrough.test.ts',
  'test/deploy/deploy-bench.test.ts',
  'test/interop/cancel-on-the-wire.test.ts',
  'test/e2e/pull/pull-cli.test.ts',
  'test/fuzz/spec-dsl.test.ts',
  'test/unit/generator/type-check.test.ts',
];

/** Where `file` (relative to the root) stands in SLOW_FILES, or undefined when it is not listed. */
export function slowRank(file: string): number | undefined {
  const rank = SLOW_FILES.findIndex((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));
  return rank < 0 ? undefined : rank;
}

/** Stable: listed files first in list order, then the rest in the order given. */
export function slowFirst<T>(files: readonly T[], pathOf: (file: T) => string): T[] {
  const ranked = files.map((file, index) => ({ file, index, rank: slowRank(pathOf(file)) ?? SLOW_FILES.length }));
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ file }) => file);
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return slowFirst(sorted, (spec) => relative(spec.project.config.root, spec.moduleId).split('\\').join('/'));
  }
}
