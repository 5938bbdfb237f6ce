// Which cpm-ft CLI a test starts. Each start of bin/cpm-ft.js (the sources through tsx) spends about
// 0.4 s of CPU loading and transforming TypeScript before the command runs; the built
// dist/src/cli/bin.js under plain node skips that. The built CLI is used only when the build stamp
// (scripts/build-stamp.js) proves dist/ is the build of the sources as they are now, which `npm ci`
// leaves in a fresh clone; after an edit without a rebuild the tests fall back to the sources, so they
// never run a stale build.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from '../../scripts/build-stamp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Where the CLI that `cliEntry` picked runs from. */
export type CliEntryKind = 'dist' | 'sources';

export interface CliEntry {
  readonly kind: CliEntryKind;
  /** The script to run with `node` (absolute). */
  readonly bin: string;
  /** Why the sources are run, when they are ('fresh' for dist). */
  readonly state: string;
}

/** The development entry: the sources through tsx. */
export const sourcesBin = join(root, 'bin/cpm-ft.js');

let picked: CliEntry | undefined;

/**
 * The built CLI when dist/ is a fresh build of these sources, else the development entry. Decided
 * once per worker: hashing the sources and dist/ costs about 0.15 s.
 */
export function cliEntry(): CliEntry {
  if (picked !== undefined) return picked;
  const state = buildState(root);
  picked = state === 'fresh'
    ? { kind: 'dist', bin: join(root, 'dist/src/cli/bin.js'), state }
    : { kind: 'sources', bin: sourcesBin, state };
  return picked;
}
