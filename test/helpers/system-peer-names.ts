// The system peers tests may need, the Debian packages that provide them, and the skip records a test
// worker writes when one is missing. No vitest import: the global teardown reads these too.

export const SYSTEM_PEERS = ['sipp', 'tshark', 'kamailio', 'chromium', 'dnsmasq'] as const;
export type SystemPeer = (typeof SYSTEM_PEERS)[number];

/** Debian/Ubuntu package per peer (sipp ships as sip-tester). */
export const PEER_PACKAGES: Readonly<Record<SystemPeer, string>> = {
  sipp: 'sip-tester',
  tshark: 'tshark',
  kamailio: 'kamailio',
  chromium: 'chromium',
  dnsmasq: 'dnsmasq',
};

/** `sudo apt-get install -y …` for the given peers, packages sorted and unique. */
export function aptInstallLine(peers: readonly SystemPeer[]): string {
  const packages = [...new Set(peers.map((p) => PEER_PACKAGES[p]))].sort();
  return `sudo apt-get install -y ${packages.join(' ')}`;
}

export interface PeerSkip {
  readonly peers: readonly SystemPeer[];
  /** Test file, relative to the repository root. */
  readonly file: string;
  /** Title of the describe block that was skipped. */
  readonly title: string;
}

export function formatSkipRecord(skip: PeerSkip): string {
  return `${JSON.stringify(skip)}\n`;
}

function isPeer(value: unknown): value is SystemPeer {
  return typeof value === 'string' && (SYSTEM_PEERS as readonly string[]).includes(value);
}

/** Parses skip records; malformed lines are ignored (a worker killed mid-write leaves half a line). */
export function parseSkipRecords(texts: readonly string[]): PeerSkip[] {
  const skips: PeerSkip[] = [];
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try { value = JSON.parse(line); } catch { continue; }
      if (typeof value !== 'object' || value === null) continue;
      const { peers, file, title } = value as Record<string, unknown>;
      if (!Array.isArray(peers) || !peers.every(isPeer) || typeof file !== 'string' || typeof title !== 'string') continue;
      skips.push({ peers, file, title });
    }
  }
  return skips;
}

/**
 * One line: how many blocks in how many files were skipped, for want of which peers, and the apt-get
 * line that enables them; undefined when nothing was skipped.
 */
export function formatSkipSummary(skips: readonly PeerSkip[]): string | undefined {
  if (skips.length === 0) return undefined;
  const peers = SYSTEM_PEERS.filter((p) => skips.some((s) => s.peers.includes(p)));
  const files = [...new Set(skips.map((s) => s.file))].sort();
  const blocks = skips.length === 1 ? '1 test block' : `${skips.length} test blocks`;
  const inFiles = files.length === 1 ? `1 file (${files[0]})` : `${files.length} files (${files.join(', ')})`;
  return `skipped ${blocks} in ${inFiles}: missing ${peers.join(', ')}; to run them: ${aptInstallLine(peers)}`;
}
