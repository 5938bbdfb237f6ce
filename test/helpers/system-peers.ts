// Tests that drive a real program installed on the machine (sipp, tshark, kamailio, chromium, dnsmasq)
// declare it with describeWithPeers. With every peer found the block is a plain describe. Without one:
// - CPM_FT_REQUIRE_PEERS=1 (CI): the block holds one failing test naming the missing program and the
//   apt-get line that installs it, so CI never passes by skipping;
// - otherwise the block's tests are skipped and the skip is written to the run's counter folder, from
//   which the global teardown (counters-global-setup.ts) prints one summary line with the apt-get line.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { COUNTER_DIR, PEER_SKIP_SUFFIX, REPO_ROOT } from './counter-files.ts';
import { hasPeer } from './system-peer-lookup.ts';
import { aptInstallLine, formatSkipRecord, type SystemPeer } from './system-peer-names.ts';

export { hasPeer, locatePeer, peerCommand, peerPath } from './system-peer-lookup.ts';
export { PEER_PACKAGES, SYSTEM_PEERS, aptInstallLine, type SystemPeer } from './system-peer-names.ts';

export function peersRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['CPM_FT_REQUIRE_PEERS'] === '1';
}

export function missingPeerMessage(missing: readonly SystemPeer[]): string {
  return `needs ${missing.join(', ')}, not found on PATH or in sbin; install with: ${aptInstallLine(missing)}`;
}

/** Writes one skip record to this run's counter folder (one file per worker process, append-only). */
function recordSkip(missing: readonly SystemPeer[], title: string): void {
  const state = expect.getState();
  const file = state.testPath === undefined ? '?' : relative(REPO_ROOT, state.testPath);
  let dir: string;
  try {
    dir = inject('cpmFtCounterDir') ?? join(COUNTER_DIR, 'unsummed');
  } catch {
    dir = join(COUNTER_DIR, 'unsummed');
  }
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}${PEER_SKIP_SUFFIX}`), formatSkipRecord({ peers: missing, file, title }));
}

/**
 * A describe block whose tests need the given system peers. See the file comment for what happens
 * when one is missing.
 */
export function describeWithPeers(peers: readonly SystemPeer[], title: string, fn: () => void): void {
  const missing = peers.filter((p) => !hasPeer(p));
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  if (peersRequired()) {
    describe(title, () => {
      it(`system peer present: ${peers.join(', ')}`, () => {
        throw new Error(`CPM_FT_REQUIRE_PEERS=1 and this block ${missingPeerMessage(missing)}`);
      });
    });
    return;
  }
  recordSkip(missing, title);
  describe.skip(`${title} (skipped: ${missingPeerMessage(missing)})`, fn);
}
