import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'generated/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests (and the CLI processes they spawn) keep resume state in a scratch folder, never in $HOME.
    env: { XDG_STATE_HOME: join(tmpdir(), 'cpm-ft-test-state') },
    // Prints "interop: N scenarios passed; hostile: N inputs tried; faults: N injected" at the end.
    globalSetup: ['test/helpers/counters-global-setup.ts'],
    // After vitest's summary: the slowest test files (`npm test` names the same reporters on its command line).
    reporters: ['default', './test/helpers/timing-reporter.ts'],
  },
});
