// Starts the deployment of docs/deployment.md on loopback: one Kamailio edge (dispatcher + msrp relay,
// deploy/kamailio/kamailio.cfg) in front of N `cpm-ft focus` and M `cpm-ft receive` processes, every
// process on a fixed TCP port chosen at start, so a killed instance restarts at the address the
// dispatcher list names and rejoins at the next probe. Used by `cpm-ft deploy`, the failover test and
// the bench's deployment stage.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CpmError } from '../runtime/errors.ts';
import { InstanceProcess } from './instance-process.ts';
import { freeTcpPort } from './ports.ts';

export const GROUP_DOMAIN = 'groups.cpm.test';
export const USER_DOMAIN = 'cpm.test';

export interface LocalDeploymentOptions {
  /** Focus instances (dispatcher set 1). */
  readonly focus: number;
  /** Receiver instances (dispatcher set 2). */
  readonly receivers: number;
  /** Working folder: groups.json, dispatcher.list, logs/, inbox/receiver-N/. Created if missing. */
  readonly dir: string;
  /** Kamailio's SIP port (UDP and TCP); 0 or absent: a free one. */
  readonly sipPort?: number;
  /** Kamailio's MSRP relay port (TCP); 0 or absent: a free one. */
  readonly msrpPort?: number;
  /** The groups file every focus watches. Absent: dir/groups.json, written with `groups` when missing. */
  readonly groupsFile?: string;
  /** Content for a missing groups file. Default: sip:team@groups.cpm.test with alice, bob and carol. */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /** Seconds between the dispatcher's OPTIONS probes (default 1). */
  readonly pingIntervalSeconds?: number;
  /** Password of the MSRP relay's digest AUTH (default: random, printed by `cpm-ft deploy`). */
  readonly msrpPassword?: string;
  /** Extra arguments of every `cpm-ft focus` (timers). */
  readonly focusArgs?: readonly string[];
  /** Extra arguments of every `cpm-ft receive`. */
  readonly receiverArgs?: readonly string[];
  /** Each focus event (its --log json lines). */
  readonly onFocusEvent?: (instance: string, event: Record<string, unknown>) => void;
  readonly readyTimeoutMs?: number;
}

export interface LocalDeployment {
  readonly dir: string;
  readonly sipPort: number;
  readonly msrpPort: number;
  /** What senders use as outbound proxy: sip:127.0.0.1:PORT;transport=tcp. */
  readonly proxyUri: string;
  /** msrp://127.0.0.1:PORT;tcp, for clients that need the relay. */
  readonly msrpRelayUri: string;
  readonly msrpPassword: string;
  readonly groupsFile: string;
  readonly edge: InstanceProcess;
  readonly focus: readonly InstanceProcess[];
  readonly receivers: readonly InstanceProcess[];
  /** The inbox folder of receiver `index` (0-based). */
  inbox(index: number): string;
  /** Stops everything (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** Where the repository's files are, from the sources (deploy/) or from the build (dist/deploy/). */
function repositoryFile(...candidates: string[][]): string {
  for (const parts of candidates) {
    const path = join(import.meta.dirname, ...parts);
    if (existsSync(path)) return path;
  }
  throw new CpmError('ERR_DEPLOY_FILES', `cannot find ${candidates.map((c) => c.join('/')).join(' or ')} next to ${import.meta.dirname}: run from a clone of the repository`);
}

/** node + the CLI entry: bin/cpm-ft.js (sources through tsx) in a clone, dist/src/cli/bin.js in the build. */
function cpmFtCommand(): { command: string; prefix: string[] } {
  const bin = repositoryFile(['..', 'bin', 'cpm-ft.js'], ['..', 'src', 'cli', 'bin.js']);
  return { command: process.execPath, prefix: [bin] };
}

function kamailioCommand(): string {
  const configured = process.env['KAMAILIO'];
  if (configured !== undefined && configured !== '') return configured;
  // Debian installs it in /usr/sbin, which a user's PATH may lack.
  for (const path of ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio']) if (existsSync(path)) return path;
  return 'kamailio';
}

export const defaultGroups: Readonly<Record<string, readonly string[]>> = {
  [`sip:team@${GROUP_DOMAIN}`]: ['alice', 'bob', 'carol'].map((u) => `sip:${u}@${USER_DOMAIN}`),
};

export async function startLocalDeployment(options: LocalDeploymentOptions): Promise<LocalDeployment> {
  if (!Number.isInteger(options.focus) || options.focus < 1) throw new CpmError('ERR_DEPLOY_OPTIONS', 'at least one focus instance is needed');
  if (!Number.isInteger(options.receivers) || options.receivers < 0) throw new CpmError('ERR_DEPLOY_OPTIONS', 'the receiver count must be 0 or more');
  const dir = options.dir;
  const logs = join(dir, 'logs');
  await mkdir(logs, { recursive: true });
  const groupsFile = options.groupsFile ?? join(dir, 'groups.json');
  if (!existsSync(groupsFile)) await writeFile(groupsFile, `${JSON.stringify(options.groups ?? defaultGroups, null, 2)}\n`);

  const sipPort = options.sipPort !== undefined && options.sipPort !== 0 ? options.sipPort : await freeTcpPort();
  const msrpPort = options.msrpPort !== undefined && options.msrpPort !== 0 ? options.msrpPort : await freeTcpPort();
  const proxyUri = `sip:127.0.0.1:${sipPort};transport=tcp`;
  const msrpPassword = options.msrpPassword ?? randomBytes(9).toString('base64url');
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const cli = cpmFtCommand();

  const focus: InstanceProcess[] = [];
  for (let i = 1; i <= options.focus; i++) {
    const name = `focus-${i}`;
    const port = await freeTcpPort();
    focus.push(new InstanceProcess({
      name, role: 'focus', port, command: cli.command, cwd: dir, logFile: join(logs, `${name}.log`), readyTimeoutMs,
      args: [...cli.prefix, 'focus', '--sip', `127.0.0.1:${port}`, '--transport', 'tcp', '--groups', groupsFile, '--proxy', proxyUri, '--log', 'json', ...(options.focusArgs ?? [])],
      onLine: (line) => {
        if (options.onFocusEvent === undefined || !line.startsWith('{')) return;
        try {
          options.onFocusEvent(name, JSON.parse(line) as Record<string, unknown>);
        } catch {
          // A line that is not an event (never expected with --log json) is only in the log.
        }
      },
    }));
  }
  const receivers: InstanceProcess[] = [];
  const inbox = (index: number): string => join(dir, 'inbox', `receiver-${index + 1}`);
  for (let i = 1; i <= options.receivers; i++) {
    const name = `receiver-${i}`;
    const port = await freeTcpPort();
    await mkdir(inbox(i - 1), { recursive: true });
    receivers.push(new InstanceProcess({
      name, role: 'receiver', port, command: cli.command, cwd: dir, logFile: join(logs, `${name}.log`), readyTimeoutMs,
      // --keep-partials: a member whose transfer broke keeps its part, so a resent file resumes (RFC 5547 a=file-range).
      args: [...cli.prefix, 'receive', '--sip', `127.0.0.1:${port}`, '--transport', 'tcp', '--dir', inbox(i - 1), '--uri', `sip:${name}@${USER_DOMAIN}`, '--keep-partials', ...(options.receiverArgs ?? [])],
    }));
  }

  // Set 1: the focus instances, set 2: the receivers; flag 8 = probe it (ds_probing_mode 1 probes all anyway).
  const list = [
    ...focus.map((f) => `1 sip:127.0.0.1:${f.port};transport=tcp 8 0 duid=${f.name}`),
    ...receivers.map((r) => `2 sip:127.0.0.1:${r.port};transport=tcp 8 0 duid=${r.name}`),
  ];
  const dsList = join(dir, 'dispatcher.list');
  await writeFile(dsList, `# set destination flags priority attributes (written by cpm-ft deploy)\n${list.join('\n')}\n`);
  const runDir = join(dir, 'run');
  await mkdir(runDir, { recursive: true });
  const defines: Record<string, string | number> = {
    DS_LIST: dsList, GROUP_DOMAIN, USER_DOMAIN, PING_INTERVAL: options.pingIntervalSeconds ?? 1,
    MSRP_PASSWORD: msrpPassword, MSRP_REALM: USER_DOMAIN, MSRP_USE_PATH: `127.0.0.1:${msrpPort}`,
  };
  const edge = new InstanceProcess({
    name: 'kamailio', role: 'edge', port: sipPort, command: kamailioCommand(), cwd: runDir, logFile: join(logs, 'kamailio.log'), readyTimeoutMs,
    args: [
      '-DD', '-E', '-f', repositoryFile(['kamailio', 'kamailio.cfg'], ['..', '..', 'deploy', 'kamailio', 'kamailio.cfg']),
      '-Y', runDir, '-w', runDir, '-P', join(runDir, 'kamailio.pid'), '-m', '32', '-M', '8', '-a', 'no',
      '-l', `udp:127.0.0.1:${sipPort}`, '-l', `tcp:127.0.0.1:${sipPort}`, '-l', `tcp:127.0.0.1:${msrpPort}`,
      ...Object.entries(defines).flatMap(([k, v]) => ['-A', typeof v === 'number' ? `${k}=${v}` : `${k}="${v}"`]),
    ],
  });

  const all = [...focus, ...receivers, edge];
  const killAll = (): void => { for (const p of all) p.killNow(); };
  process.once('exit', killAll);
  const stop = async (): Promise<void> => {
    process.off('exit', killAll);
    await Promise.all(all.map((p) => p.dispose()));
  };
  try {
    // The instances first, so the edge's first probes find them up.
    await Promise.all([...focus, ...receivers].map((p) => p.start()));
    await edge.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dir, sipPort, msrpPort, proxyUri, msrpRelayUri: `msrp://127.0.0.1:${msrpPort};tcp`, msrpPassword, groupsFile,
    edge, focus, receivers, inbox, stop,
  };
}
