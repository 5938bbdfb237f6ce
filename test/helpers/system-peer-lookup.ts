// Finds the system peers' executables. No vitest import: test helpers that spawn a peer (kamailio.ts,
// which the bench also runs from dist/) use it outside a test run too.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SystemPeer } from './system-peer-names.ts';

/** Executable names tried for each peer, in order. */
const EXECUTABLES: Readonly<Record<SystemPeer, readonly string[]>> = {
  sipp: ['sipp'],
  tshark: ['tshark'],
  kamailio: ['kamailio'],
  chromium: ['chromium', 'chromium-browser'],
  dnsmasq: ['dnsmasq'],
};

// Daemons (kamailio, dnsmasq) install into sbin, which a non-root user's PATH often lacks.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where `peer` is found: an explicit override (CHROMIUM_PATH), then PATH, then the sbin folders. Pure but for the file checks. */
export function locatePeer(peer: SystemPeer, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (peer === 'chromium' && env['CHROMIUM_PATH']) return isExecutableFile(env['CHROMIUM_PATH']) ? env['CHROMIUM_PATH'] : undefined;
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...SBIN_DIRS];
  for (const name of EXECUTABLES[peer]) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

const located = new Map<SystemPeer, string | undefined>();

/** Absolute path of the peer's executable, or undefined when it is not installed (cached per process). */
export function peerPath(peer: SystemPeer): string | undefined {
  if (!located.has(peer)) located.set(peer, locatePeer(peer));
  return located.get(peer);
}

export function hasPeer(peer: SystemPeer): boolean {
  return peerPath(peer) !== undefined;
}

/** The executable to spawn: its absolute path when found (so sbin works without PATH), else the bare name. */
export function peerCommand(peer: SystemPeer): string {
  return peerPath(peer) ?? EXECUTABLES[peer][0]!;
}

