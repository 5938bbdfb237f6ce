// `cpm-ft focus`: runs the minimal group focus until SIGINT/SIGTERM. It serves pre-defined groups
// from --groups (a JSON object: group URI -> member URIs, checked at start, exit 2 when bad) and,
// with --factory, ad-hoc recipient lists sent to that conference factory URI.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createFocus } from '../../focus/create-focus.ts';
import type { Focus, FocusEvent, FocusTransport } from '../../focus/focus-types.ts';
import { loadGroupsFile } from '../../focus/load-groups.ts';
import { watchGroupsFile } from '../../focus/watch-groups-file.ts';
import { parseDuration } from '../parse-duration.ts';
import { parseHostPort } from '../parse-host-port.ts';
import { parseSipUri } from '../parse-sip-uri.ts';
import { parseTransport } from '../parse-transport.ts';
import type { CliIo } from '../main.ts';
import { safeText } from '../../safe-text.ts';
import { explainParseError } from '../explain-parse-error.ts';

export const focusUsage = `usage: cpm-ft focus --sip HOST:PORT --groups FILE [options]

  --sip HOST:PORT        where the focus listens for SIP (port 0 = any free port)
  --groups FILE          JSON object mapping each group URI to an array of member URIs
  --factory URI          conference factory URI for ad-hoc recipient lists (RFC 5366)
  --proxy sip:HOST:PORT  send the member INVITEs through this SIP proxy (e.g. the Kamailio edge)
  --max-members N        most members per session (default 100); larger lists get 403
  --transport udp|tcp    SIP transport (default udp)
  --leg-answer-timeout DURATION
                         cancel a member's INVITE unanswered this long (default 30s)
  --msrp-setup-timeout DURATION
                         end a session whose sender has not connected MSRP this long after
                         its ACK (default 10s)
  --idle-timeout DURATION
                         end a session without MSRP traffic from its sender this long (default 60s)
  --log json             one JSON line per focus event on stdout

  The groups file is watched: a valid new version serves new sessions at once (sessions in
  progress keep their members); an invalid one is reported on stderr and the old groups stay.
  -h, --help             this help
`;

export type SignalName = 'SIGINT' | 'SIGTERM';

export interface FocusDeps {
  /** Subscribes to shutdown signals; returns the unsubscribe. Tests pass a fake. */
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
  /** Receives the running focus (tests use it to learn the bound port). */
  readonly onStarted?: (focus: Focus) => void;
}

function processSignals(handler: (signal: SignalName) => void): () => void {
  const signals: SignalName[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

export function run(args: string[], io: CliIo): Promise<number> {
  return runFocus(args, io);
}

/** One human-readable line per event. */
export function describeFocusEvent(e: FocusEvent): string {
  switch (e.type) {
    case 'request-rejected': return `rejected ${e.requestUri}: ${e.status} (${e.code}) ${e.warning}`;
    case 'session-started': return `[${e.session}] ${e.kind} ${e.target} from ${e.originator} -> ${e.members.join(', ')}`;
    case 'leg-answered': return `[${e.session}] ${e.member} answered ${e.status}${e.acceptedMedia.length > 0 ? ` (files ${e.acceptedMedia.join(',')})` : ''}`;
    case 'session-answered': return `[${e.session}] answered the sender ${e.status}`;
    case 'file-relayed': return `[${e.session}] m-line ${e.media} to ${e.member}: ${e.delivered ? 'delivered' : `failed ${e.status ?? ''} ${e.reason ?? ''}`.trim()}`;
    case 'file-completed': return `[${e.session}] m-line ${e.media} done: ${e.delivered.length} delivered, ${e.failed.length} failed`;
    case 'icon-relayed': return `[${e.session}] m-line ${e.media}: relaying its ${e.iconType} icon (${e.bytes} bytes)`;
    case 'icon-refused': return `[${e.session}] m-line ${e.media}: icon not relayed: ${e.reason}`;
    case 'reoffer': return `[${e.session}] re-INVITE: closed [${e.closed.join(',')}] new [${e.added.join(',')}]`;
    case 'leg-ended': return `[${e.session}] ${e.member} left: ${e.reason}`;
    case 'session-ended': return `[${e.session}] ended: ${e.reason}`;
  }
}

const focusOptions = {
  sip: { type: 'string' }, groups: { type: 'string' }, factory: { type: 'string' }, proxy: { type: 'string' }, 'max-members': { type: 'string' },
  transport: { type: 'string' }, log: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  'leg-answer-timeout': { type: 'string' }, 'msrp-setup-timeout': { type: 'string' }, 'idle-timeout': { type: 'string' },
} as const;

export async function runFocus(args: readonly string[], io: CliIo, deps: FocusDeps = {}): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr.write(`cpm-ft focus: ${message}\n(try 'cpm-ft focus --help')\n`);
    return 2;
  };
  let values: {
    sip?: string; groups?: string; factory?: string; proxy?: string; 'max-members'?: string; transport?: string; log?: string; help?: boolean;
    'leg-answer-timeout'?: string; 'msrp-setup-timeout'?: string; 'idle-timeout'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: focusOptions,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError(explainParseError(error, focusOptions));
  }
  if (values.help === true) {
    io.stdout.write(focusUsage);
    return 0;
  }
  if (values.sip === undefined) return usageError('--sip HOST:PORT is required');
  const sip = parseHostPort(values.sip, '--sip');
  if (!sip.ok) return usageError(sip.error);
  const transport = parseTransport(values.transport, ['udp', 'tcp']);
  if (!transport.ok) return usageError(transport.error);
  if (values.log !== undefined && values.log !== 'json') return usageError(`--log expects json, got '${values.log}'`);
  let maxMembers = 100;
  if (values['max-members'] !== undefined) {
    if (!/^\d{1,6}$/.test(values['max-members']) || Number(values['max-members']) < 1) return usageError(`--max-members expects a positive integer, got '${values['max-members']}'`);
    maxMembers = Number(values['max-members']);
  }
  if (values.factory !== undefined) {
    const factory = parseSipUri(values.factory, '--factory');
    if (!factory.ok) return usageError(factory.error);
  }
  if (values.proxy !== undefined) {
    const proxy = parseSipUri(values.proxy, '--proxy');
    if (!proxy.ok) return usageError(proxy.error);
  }
  const timers: { legAnswerTimeoutMs?: number; msrpSetupTimeoutMs?: number; idleTimeoutMs?: number } = {};
  for (const [flag, key] of [['leg-answer-timeout', 'legAnswerTimeoutMs'], ['msrp-setup-timeout', 'msrpSetupTimeoutMs'], ['idle-timeout', 'idleTimeoutMs']] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    const ms = parseDuration(text, `--${flag}`);
    if (!ms.ok) return usageError(ms.error);
    timers[key] = ms.value;
  }
  if (values.groups === undefined) return usageError('--groups FILE is required');
  const groupsPath = resolve(io.cwd, values.groups);
  const groups = await loadGroupsFile(groupsPath, { maxMembers });
  if (!groups.ok) return usageError(`bad groups file: ${groups.error.message}`);

  const json = values.log === 'json';
  let focus: Focus;
  try {
    focus = await createFocus({
      sip: { host: sip.value.host, port: sip.value.port, transport: transport.value as FocusTransport },
      groups: groups.value,
      maxMembers,
      ...timers,
      ...(values.factory === undefined ? {} : { factoryUri: values.factory }),
      ...(values.proxy === undefined ? {} : { outboundProxy: values.proxy }),
      onEvent: (event) => io.stdout.write(json ? `${JSON.stringify(event)}\n` : `${safeText(describeFocusEvent(event))}\n`),
    });
  } catch (error) {
    io.stderr.write(`cpm-ft focus: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  const { host, port } = focus.sipAddress;
  const listening = `focus listening on sip:${host.includes(':') ? `[${host}]` : host}:${port};transport=${transport.value}`
    + ` (${Object.keys(groups.value).length} groups${values.factory === undefined ? '' : `, factory ${values.factory}`})`;
  (json ? io.stderr : io.stdout).write(`${listening}\n`);
  const started = focus;
  const watcher = watchGroupsFile(groupsPath, {
    initial: groups.value,
    maxMembers,
    onReload: (next) => {
      started.setGroups(next);
      io.stderr.write(`cpm-ft focus: groups reloaded (${Object.keys(next).length} groups)\n`);
    },
    onError: (error) => io.stderr.write(`cpm-ft focus: groups file not reloaded, keeping the previous groups: ${safeText(error.message)}\n`),
  });
  deps.onStarted?.(focus);

  await new Promise<void>((done) => {
    const unsubscribe = (deps.onSignal ?? processSignals)(() => {
      unsubscribe();
      done();
    });
  });
  watcher.close();
  await focus.close();
  return 0;
}
