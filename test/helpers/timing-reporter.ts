// vitest reporter: at the end of a run of more than one file, prints the per-file timing table
// (timing-table.ts) after vitest's own summary.
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { REPO_ROOT } from './counter-files.ts';
import { formatTimingTable, type FileTiming } from './timing-table.ts';

export function moduleTiming(module: TestModule): FileTiming {
  const d = module.diagnostic();
  let tests = 0;
  for (const _ of module.children.allTests()) tests++;
  return {
    file: relative(REPO_ROOT, module.moduleId),
    totalMs: d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration,
    tests,
  };
}

export default class TimingReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (testModules.length < 2) return;
    process.stdout.write(`\n${formatTimingTable(testModules.map(moduleTiming))}`);
  }
}
