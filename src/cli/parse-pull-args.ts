// Arguments of `cpm-ft pull` (RFC 5547 pull) and `cpm-ft serve` (its answering side).
import { parseArgs } from 'node:util';
import { fail, ok, parsePullSelector, type PullSelector, type Result } from '../../runtime/index.ts';
import type { SipTransportName } from '../client-types.ts';
import { parseByteCount } from './parse-byte-count.ts';
import { parseHostPort, type HostPort } from './parse-host-port.ts';
import { parseSipUri } from './parse-sip-uri.ts';
import { parseTransport } from './parse-transport.ts';
import { explainParseError } from './explain-parse-error.ts';
import { networkOptionSpecs, networkUsage, parseNetworkArgs, withOptionalRegisterUri, type NetworkArgs } from './parse-network-options.ts';

export interface PullCommand {
  readonly from: string;
  /** One per --selector, in order: the first is asked for by the INVITE, each next by a re-INVITE. */
  readonly selectors: readonly PullSelector[];
  readonly dir: string;
  readonly sip: HostPort;
  readonly transport: SipTransportName;
  readonly uri: string | undefined;
  readonly maxSize: number | undefined;
  readonly timeoutMs: number | undefined;
  /** --register, --auth-user, --dns-server, --proxy (parse-network-options.ts). */
  readonly network?: NetworkArgs;
  readonly logJson: boolean;
  readonly help: boolean;
}

export interface ServeCommand {
  readonly sip: HostPort;
  readonly dir: string;
  readonly transport: SipTransportName;
  readonly uri: string | undefined;
  readonly network?: NetworkArgs;
  readonly logJson: boolean;
  readonly help: boolean;
}

export const pullUsage = `usage: cpm-ft pull --from URI --selector SELECTOR --dir DIR [options]

  Asks URI for files (RFC 5547 pull: an INVITE with a recvonly offer carrying the selector; each
  further --selector is asked for in the same session by a re-INVITE reusing the m-line).

  --from URI          who has the file (e.g. sip:bob@127.0.0.1:5070)
  --selector TEXT     RFC 5547 file-selector parts, all of which the file must match, e.g.
                      'name:"report.pdf" size:48211 hash:sha-1:3F:0A:…' (name is required by
                      cpm-ft serve; type:MIME also works); repeat it for several files
  --dir DIR           folder the file goes into (created if missing; nothing is written outside it)
  --sip HOST:PORT     local SIP bind (default 127.0.0.1:0)
  --transport T       udp (default) or tcp
  --uri URI           our address of record (default sip:cpm-ft@HOST)
  --max-size BYTES    largest file taken
  --timeout SECONDS   how long to wait for the file (default 60)
  --log json          one JSON object per protocol event on stdout; human text goes to stderr
${networkUsage}`;

export const serveUsage = `usage: cpm-ft serve --sip HOST:PORT --dir DIR [options]

  Answers RFC 5547 pulls: a file directly in DIR matching every part of the selector is sent;
  anything else (unknown, other size, type or hash, a path, a hidden name, a symlink) gets its
  m-line rejected with port 0.

  --sip HOST:PORT     where to listen (port 0 picks a free port; the address is printed)
  --dir DIR           the only folder files are served from
  --transport T       udp (default) or tcp
  --uri URI           our address of record (default sip:cpm-ft@HOST)
  --log json          one JSON object per protocol event on stdout; human text goes to stderr
${networkUsage}`;

const pullOptions = {
  from: { type: 'string' },
  selector: { type: 'string', multiple: true },
  dir: { type: 'string' },
  sip: { type: 'string' },
  transport: { type: 'string' },
  uri: { type: 'string' },
  'max-size': { type: 'string' },
  timeout: { type: 'string' },
  log: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...networkOptionSpecs,
} as const;

const serveOptions = {
  sip: { type: 'string' },
  dir: { type: 'string' },
  transport: { type: 'string' },
  uri: { type: 'string' },
  log: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...networkOptionSpecs,
} as const;

type Values<O> = { [K in keyof O]?: O[K] extends { type: 'string'; multiple: true } ? string[] : O[K] extends { type: 'string' } ? string : boolean };

function parseWith<O extends typeof pullOptions | typeof serveOptions>(args: readonly string[], options: O): Result<Values<O>, string> {
  try {
    return ok(parseArgs({ args: withOptionalRegisterUri(args), options, allowPositionals: false, strict: true }).values as Values<O>);
  } catch (error) {
    return fail(explainParseError(error, options));
  }
}

function common(values: { transport?: string | undefined; uri?: string | undefined; log?: string | undefined } & Parameters<typeof parseNetworkArgs>[0]): Result<{ transport: SipTransportName; uri: string | undefined; logJson: boolean; network: NetworkArgs }, string> {
  const network = parseNetworkArgs(values);
  if (!network.ok) return network;
  if (values.log !== undefined && values.log !== 'json') return fail(`--log supports only 'json', got '${values.log}'`);
  const transport = parseTransport(values.transport, ['udp', 'tcp']);
  if (!transport.ok) return transport;
  let uri: string | undefined;
  if (values.uri !== undefined) {
    const parsed = parseSipUri(values.uri, '--uri');
    if (!parsed.ok) return parsed;
    uri = parsed.value;
  }
  return ok({ transport: transport.value, uri, logJson: values.log === 'json', network: network.value });
}

export function parsePullArgs(args: readonly string[]): Result<PullCommand, string> {
  const parsed = parseWith(args, pullOptions);
  if (!parsed.ok) return parsed;
  const values = parsed.value;
  if (values.help === true) {
    return ok({ from: '', selectors: [], dir: '', sip: { host: '', port: 0 }, transport: 'udp', uri: undefined, maxSize: undefined, timeoutMs: undefined, logJson: false, help: true });
  }
  const rest = common(values);
  if (!rest.ok) return rest;
  if (values.from === undefined) return fail('missing --from URI (who has the file)');
  const from = parseSipUri(values.from, '--from');
  if (!from.ok) return from;
  if (values.selector === undefined || values.selector.length === 0) return fail(`missing --selector (e.g. 'name:"report.pdf" size:48211')`);
  const selectors: PullSelector[] = [];
  for (const [index, text] of values.selector.entries()) {
    const selector = parsePullSelector(text);
    if (!selector.ok) return fail(`--selector${values.selector.length > 1 ? ` #${index + 1}` : ''}: ${selector.error.message}`);
    selectors.push(selector.value);
  }
  if (values.dir === undefined || values.dir === '') return fail('missing --dir DIR (where the pulled file goes)');
  const sip = parseHostPort(values.sip ?? '127.0.0.1:0', '--sip');
  if (!sip.ok) return sip;
  let maxSize: number | undefined;
  if (values['max-size'] !== undefined) {
    const size = parseByteCount(values['max-size'], '--max-size');
    if (!size.ok) return size;
    maxSize = size.value;
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    if (!/^[0-9]+$/.test(values.timeout) || Number(values.timeout) === 0) return fail(`--timeout needs a positive number of seconds, got '${values.timeout}'`);
    timeoutMs = Number(values.timeout) * 1000;
  }
  return ok({ from: from.value, selectors, dir: values.dir, sip: sip.value, ...rest.value, maxSize, timeoutMs, help: false });
}

export function parseServeArgs(args: readonly string[]): Result<ServeCommand, string> {
  const parsed = parseWith(args, serveOptions);
  if (!parsed.ok) return parsed;
  const values = parsed.value;
  if (values.help === true) return ok({ sip: { host: '', port: 0 }, dir: '', transport: 'udp', uri: undefined, logJson: false, help: true });
  const rest = common(values);
  if (!rest.ok) return rest;
  if (values.sip === undefined) return fail('missing --sip HOST:PORT (where to listen, e.g. 127.0.0.1:5070)');
  const sip = parseHostPort(values.sip, '--sip');
  if (!sip.ok) return sip;
  if (values.dir === undefined || values.dir === '') return fail('missing --dir DIR (the folder files are served from)');
  return ok({ sip: sip.value, dir: values.dir, ...rest.value, help: false });
}
