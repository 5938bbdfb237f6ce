// Arguments of `cpm-ft receive`.
import { parseArgs } from 'node:util';
import { fail, ok, type Result } from '../../runtime/index.ts';
import type { SipTransportName } from '../client-types.ts';
import { parseByteCount } from './parse-byte-count.ts';
import { parseHostPort, type HostPort } from './parse-host-port.ts';
import { msrpRelayOptionSpecs, msrpRelayUsage, parseMsrpRelayArgs, type MsrpRelayArg } from './parse-msrp-relay.ts';
import { parseSipUri } from './parse-sip-uri.ts';
import { parseTlsPaths, tlsOptionSpecs, tlsUsage, type TlsPaths } from './parse-tls-options.ts';
import { parseTransport } from './parse-transport.ts';
import { parseDuration } from './parse-duration.ts';
import { joinNegativeValues, valueOptionNames } from './join-option-values.ts';
import { explainParseError } from './explain-parse-error.ts';
import { networkOptionSpecs, networkUsage, parseNetworkArgs, withOptionalRegisterUri, type NetworkArgs } from './parse-network-options.ts';

export interface ReceiveCommand {
  readonly sip: HostPort;
  readonly dir: string;
  readonly transport: SipTransportName;
  readonly tls: TlsPaths | undefined;
  readonly once: boolean;
  readonly maxSize: number | undefined;
  readonly reject: boolean;
  /** RFC 5547 file-range resume: keep the received prefix of a failed file for a later resend. */
  readonly keepPartials: boolean;
  /** Our address of record; defaults to sip:cpm-ft@HOST. */
  readonly uri: string | undefined;
  /** --msrp-relay / --msrp-relay-auth (credentials resolved against the environment later). */
  readonly msrpRelay?: MsrpRelayArg | undefined;
  /** --max-sessions-per-peer / --max-sessions: concurrent incoming sessions (486 / 503 beyond). */
  readonly maxSessionsPerPeer?: number | undefined;
  readonly maxSessions?: number | undefined;
  /** --max-mlines-per-session / --max-open-files-per-session / --max-open-files (488 / 503 beyond). */
  readonly maxMlinesPerSession?: number | undefined;
  readonly maxOpenFilesPerSession?: number | undefined;
  readonly maxOpenFiles?: number | undefined;
  /** Per source address: sessions, SIP connections, TLS handshakes, silent MSRP connections. */
  readonly maxSessionsPerSource?: number | undefined;
  readonly maxConnectionsPerSource?: number | undefined;
  readonly maxHandshakesPerSource?: number | undefined;
  readonly maxSilentMsrpPerSource?: number | undefined;
  /** --msrp-match-session-id: RFC 6714 style MSRP matching by session id only. */
  readonly msrpMatchSessionId?: boolean;
  /** --msrp-setup-timeout / --idle-timeout in ms (session lifetime; undefined: the defaults). */
  readonly msrpSetupTimeoutMs?: number | undefined;
  readonly idleTimeoutMs?: number | undefined;
  /** --icons DIR: RFC 5547 file icons of accepted offers are saved there. */
  readonly iconsDir?: string | undefined;
  /** --register, --auth-user, --dns-server, --proxy (parse-network-options.ts). */
  readonly network?: NetworkArgs;
  readonly logJson: boolean;
  readonly help: boolean;
}

export const receiveUsage = `usage: cpm-ft receive --sip HOST:PORT --dir DIR [options]

  --sip HOST:PORT     where to listen (port 0 picks a free port; the address is printed)
  --dir DIR           folder received files go into (created if missing)
  --transport T       udp (default), tcp or tls
  --once              exit after the first session ends (1 if any of its files failed)
  --max-size BYTES    largest file accepted
  --reject            decline every offered file
  --keep-partials     keep the received part of an interrupted file (hidden .cpm-resume-*.part
                      in DIR) so that a resend of the same file continues where it stopped
  --uri URI           our address of record (default sip:cpm-ft@HOST)
  --max-sessions-per-peer N
                      concurrent sessions from one sender (From address); more get 486 (default 16)
  --max-sessions N    concurrent sessions in total; more get 503 with Retry-After (default 128)
  --max-mlines-per-session N
                      m-lines in one offer, and files started in one session over its
                      re-INVITEs; more get 488 with a Warning (default 64)
  --max-open-files-per-session N
                      files one session holds at once; more get 488 with a Warning (default 32)
  --max-open-files N  files held at once in total (each may take a temporary file and an MSRP
                      connection); more get 503 with a Warning (default 1024, or fewer when the
                      descriptor limit is low: (limit - 48) / 2)
  --max-sessions-per-source N
                      concurrent sessions from one source IP address, whatever its From;
                      more get 486 (default 64; behind a proxy raise it to --max-sessions)
  --max-connections-per-source N
                      SIP TCP/TLS connections open from one source IP address (default 64)
  --max-handshakes-per-source N
                      SIP TLS handshakes in progress from one source IP address (default 8)
  --max-silent-msrp-per-source N
                      MSRP connections not yet bound to a session from one source IP
                      address (default 64)
  --msrp-setup-timeout DURATION
                      end a session (BYE) whose MSRP connection is not up this long after
                      the ACK (default 10s)
  --idle-timeout DURATION
                      end a session (BYE) without MSRP traffic for this long, e.g. a sender
                      that stopped without BYE (default 60s)
  --msrp-match-session-id
                      match MSRP requests by session id only (RFC 6714), for SBCs rewriting a=path
  --icons DIR         save the RFC 5547 file icon of each accepted file into DIR (PNG, JPEG,
                      GIF or WebP by their bytes, at most 32 KiB; anything else is refused)
  --log json          one JSON object per protocol event on stdout; human text goes to stderr
${networkUsage}${msrpRelayUsage}${tlsUsage}`;

const options = {
  sip: { type: 'string' },
  dir: { type: 'string' },
  transport: { type: 'string' },
  once: { type: 'boolean' },
  'max-size': { type: 'string' },
  reject: { type: 'boolean' },
  'keep-partials': { type: 'boolean' },
  uri: { type: 'string' },
  'max-sessions-per-peer': { type: 'string' },
  'max-sessions': { type: 'string' },
  'max-mlines-per-session': { type: 'string' },
  'max-open-files-per-session': { type: 'string' },
  'max-open-files': { type: 'string' },
  'max-sessions-per-source': { type: 'string' },
  'max-connections-per-source': { type: 'string' },
  'max-handshakes-per-source': { type: 'string' },
  'max-silent-msrp-per-source': { type: 'string' },
  'msrp-match-session-id': { type: 'boolean' },
  'msrp-setup-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  icons: { type: 'string' },
  log: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...msrpRelayOptionSpecs,
  ...tlsOptionSpecs,
  ...networkOptionSpecs,
} as const;

/** A count option: a positive decimal integer. */
function parseCount(value: string | undefined, flag: string): Result<number | undefined, string> {
  if (value === undefined) return ok(undefined);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) === 0) return fail(`${flag} expects a count like 16 (a positive integer), got '${value}'`);
  return ok(Number(value));
}

export function parseReceiveArgs(args: readonly string[]): Result<ReceiveCommand, string> {
  let values: { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };
  try {
    ({ values } = parseArgs({ args: joinNegativeValues(withOptionalRegisterUri(args), valueOptionNames(options)), options, allowPositionals: false, strict: true }));
  } catch (error) {
    return fail(explainParseError(error, options));
  }
  const common = {
    once: values.once === true, reject: values.reject === true, keepPartials: values['keep-partials'] === true, help: values.help === true, logJson: values.log === 'json',
    msrpMatchSessionId: values['msrp-match-session-id'] === true,
  };
  if (common.help) return ok({ ...common, sip: { host: '', port: 0 }, dir: '', transport: 'udp', tls: undefined, maxSize: undefined, uri: undefined });
  if (values.log !== undefined && values.log !== 'json') return fail(`--log supports only 'json', got '${values.log}'`);
  if (values.sip === undefined) return fail('missing --sip HOST:PORT (where to listen, e.g. 127.0.0.1:5070)');
  const sip = parseHostPort(values.sip, '--sip');
  if (!sip.ok) return sip;
  if (values.dir === undefined || values.dir === '') return fail('missing --dir DIR (where received files go)');
  if (values.icons === '') return fail('--icons needs a folder');
  const transport = parseTransport(values.transport);
  if (!transport.ok) return transport;
  const tls = parseTlsPaths(values, transport.value);
  if (!tls.ok) return tls;
  let maxSize: number | undefined;
  if (values['max-size'] !== undefined) {
    const size = parseByteCount(values['max-size'], '--max-size');
    if (!size.ok) return size;
    maxSize = size.value;
  }
  let uri: string | undefined;
  if (values.uri !== undefined) {
    const parsed = parseSipUri(values.uri, '--uri');
    if (!parsed.ok) return parsed;
    uri = parsed.value;
  }
  const msrpRelay = parseMsrpRelayArgs(values);
  if (!msrpRelay.ok) return msrpRelay;
  const network = parseNetworkArgs(values);
  if (!network.ok) return network;
  const maxSessionsPerPeer = parseCount(values['max-sessions-per-peer'], '--max-sessions-per-peer');
  if (!maxSessionsPerPeer.ok) return maxSessionsPerPeer;
  const maxSessions = parseCount(values['max-sessions'], '--max-sessions');
  if (!maxSessions.ok) return maxSessions;
  const maxMlinesPerSession = parseCount(values['max-mlines-per-session'], '--max-mlines-per-session');
  if (!maxMlinesPerSession.ok) return maxMlinesPerSession;
  const maxOpenFilesPerSession = parseCount(values['max-open-files-per-session'], '--max-open-files-per-session');
  if (!maxOpenFilesPerSession.ok) return maxOpenFilesPerSession;
  const maxOpenFiles = parseCount(values['max-open-files'], '--max-open-files');
  if (!maxOpenFiles.ok) return maxOpenFiles;
  const perSource: Record<string, number | undefined> = {};
  for (const [flag, key] of [['max-sessions-per-source', 'maxSessionsPerSource'], ['max-connections-per-source', 'maxConnectionsPerSource'], ['max-handshakes-per-source', 'maxHandshakesPerSource'], ['max-silent-msrp-per-source', 'maxSilentMsrpPerSource']] as const) {
    const parsed = parseCount(values[flag], `--${flag}`);
    if (!parsed.ok) return parsed;
    perSource[key] = parsed.value;
  }
  const setup = values['msrp-setup-timeout'] === undefined ? ok(undefined) : parseDuration(values['msrp-setup-timeout'], '--msrp-setup-timeout');
  if (!setup.ok) return setup;
  const idle = values['idle-timeout'] === undefined ? ok(undefined) : parseDuration(values['idle-timeout'], '--idle-timeout');
  if (!idle.ok) return idle;
  return ok({
    ...common, sip: sip.value, dir: values.dir, transport: transport.value, tls: tls.value, maxSize, uri, msrpRelay: msrpRelay.value,
    maxSessionsPerPeer: maxSessionsPerPeer.value, maxSessions: maxSessions.value,
    maxMlinesPerSession: maxMlinesPerSession.value, maxOpenFilesPerSession: maxOpenFilesPerSession.value, maxOpenFiles: maxOpenFiles.value,
    ...perSource,
    msrpSetupTimeoutMs: setup.value, idleTimeoutMs: idle.value, network: network.value,
    ...(values.icons !== undefined ? { iconsDir: values.icons } : {}),
  });
}
