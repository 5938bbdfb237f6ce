import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/helpers/slow-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'generated/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker per core minus one: a single worker on 2 cores, while most slow
    // files wait on real peers and timers. Three workers cut test/interop + test/faults from ~270 s to
    // ~160 s on a 2-core machine (VITEST_MAX_WORKERS overrides).
    maxWorkers: 3,
    // A worker keeps its module cache from one test file to the next instead of importing the runtime
    // afresh for each of ~230 files: the whole run spent ~100 s of CPU on imports with isolated files
    // and ~20 s without. Test files share no mutable state through modules (none changes
    // process.env or globals); the one that mocks a module resets the cache first
    // (test/fuzz/sip-stream-framer-work.test.ts).
    isolate: false,
    // Tests (and the CLI processes they spawn) keep resume state in a scratch folder, never in $HOME.
    env: { XDG_STATE_HOME: join(tmpdir(), 'cpm-ft-test-state') },
    // Prints "interop: N scenarios passed; hostile: N inputs tried; faults: N injected" at the end.
    globalSetup: ['test/helpers/counters-global-setup.ts'],
    // The files known to take longest start first, so no worker is left running one alone at the end.
    sequence: { sequencer: SlowFirstSequencer },
    // After vitest's summary: the slowest test files (`npm test` names the same reporters on its command line).
    reporters: ['default', './test/helpers/timing-reporter.ts'],
  },
});
