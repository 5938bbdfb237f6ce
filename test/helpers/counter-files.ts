// Where the run-wide counters live and which kinds exist; shared by the recording side (test
// workers, test-counters.ts) and the summing side (the vitest global teardown), which must not
// import vitest's runner API.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COUNTER_KINDS = ['interop', 'hostile', 'faults'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Parent of the per-run counter folders (one per `vitest run`, so concurrent runs never mix). */
export const COUNTER_DIR = join(REPO_ROOT, '.cache', 'counters');

/** Suffix of the per-worker files listing blocks skipped for a missing system peer (system-peers.ts). */
export const PEER_SKIP_SUFFIX = '.peer-skips';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's counter folder, provided by counters-global-setup.ts. */
    cpmFtCounterDir: string;
  }
}
