// Arguments of `cpm-ft send`. node:util parseArgs (strict) does the tokenising; batches are rebuilt
// from the token stream because `--then` is a separator, not an option with one value:
// `a b --then c --then d e` is three batches [a b] [c] [d e].
import { parseArgs } from 'node:util';
import { fail, ok, transferDefaults, type Result } from '../../runtime/index.ts';
import type { Destination, PeerTuning, SipTransportName } from '../client-types.ts';
import { parseByteCount } from './parse-byte-count.ts';
import { parseHostPort, type HostPort } from './parse-host-port.ts';
import { msrpRelayOptionSpecs, msrpRelayUsage, parseMsrpRelayArgs, type MsrpRelayArg } from './parse-msrp-relay.ts';
import { parseSipUri } from './parse-sip-uri.ts';
import { parseTlsPaths, tlsOptionSpecs, tlsUsage, type TlsPaths } from './parse-tls-options.ts';
import { parseTransport } from './parse-transport.ts';
import { joinNegativeValues, valueOptionNames } from './join-option-values.ts';
import { networkOptionSpecs, networkUsage, parseNetworkArgs, withOptionalRegisterUri, type NetworkArgs } from './parse-network-options.ts';
import { decideUsage, parseDecideOptions, type DecisionAnswerMap } from './parse-decide-option.ts';
import { explainParseError } from './explain-parse-error.ts';


export interface SendCommand {
  readonly from: string;
  readonly destination: Destination;
  /** The first batch, then each `--then` batch, in order; every batch is non-empty. */
  readonly batches: readonly (readonly string[])[];
  /** --icon ICON before a FILE: that file's RFC 5547 file-icon, keyed by the FILE as given. */
  readonly icons: ReadonlyMap<string, string>;
  /** Automatic thumbnails for image files without --icon (--no-icon turns them off). */
  readonly autoIcons: boolean;
  readonly proxy: string | undefined;
  /** --register, --auth-user, --dns-server (parse-network-options.ts). */
  readonly network?: NetworkArgs;
  readonly transport: SipTransportName;
  readonly tls: TlsPaths | undefined;
  readonly sip: HostPort;
  readonly successReport: boolean;
  readonly reuseMlines: boolean;
  /** --decide POINT=yes|no: answers at the spec's decision points (the library's `decisions`). */
  readonly decisions: DecisionAnswerMap;
  readonly chunkSize: number | undefined;
  /** --peer-tuning (default auto): larger chunks and Failure-Report: partial toward cpm-ft receivers. */
  readonly peerTuning: PeerTuning;
  /** RFC 5547 file-range resume (--no-resume turns it off). */
  readonly resume: boolean;
  /** --resume-state FILE; undefined means the default location (resolved by the command). */
  readonly resumeState: string | undefined;
  /** --msrp-relay / --msrp-relay-auth (credentials resolved against the environment later). */
  readonly msrpRelay?: MsrpRelayArg | undefined;
  /** --no-answer-note SECONDS: when a silent INVITE is reported (undefined: the library's 4 s). */
  readonly noAnswerNoteMs?: number | undefined;
  readonly logJson: boolean;
  readonly help: boolean;
}

export const sendUsage = `usage: cpm-ft send --from URI --to URI [--to URI ...] [options] FILE... [--then FILE...]

  --from URI          our address of record (sip:alice@127.0.0.1)
  --to URI            recipient; several --to (with --factory) make a recipient list
  --factory URI       conference factory for a recipient list (ad-hoc group)
  --group URI         pre-defined group instead of --to
  --transport T       udp (default), tcp or tls
  --sip HOST:PORT     local SIP bind (default 127.0.0.1:0)
  --success-report    ask for MSRP success REPORTs and wait for them
  --no-reuse          do not reuse m-lines for later batches
${decideUsage('sender')}  --chunk-size BYTES  MSRP chunk size (default ${transferDefaults.chunkSize / 1024}k, at most ${transferDefaults.maxChunkSize / (1024 * 1024)}M)
  --peer-tuning T     auto (default): toward a cpm-ft receiver without an MSRP relay, ${transferDefaults.tunedChunkSize / 1024}k
                      chunks and Failure-Report: partial (delivery by success REPORT); off: never;
                      always: toward any peer without a relay
  --resume-state FILE where restart points of interrupted files are kept (default
                      $XDG_STATE_HOME/cpm-ft/resume.json, else ~/.local/state/cpm-ft/resume.json)
  --no-resume         always send whole files; do not read or write the resume state (nor the
                      SHA-1s of sent files of 1 MiB or more, kept in the same folder's hash-cache so
                      that sending a file again skips hashing it)
  --then FILE...      a further batch to the same destination (repeatable)
  --icon ICON         RFC 5547 file icon for the FILE right after it (PNG, JPEG, GIF or WebP,
                      at most 32 KiB), sent in the INVITE as a Content-Disposition: icon part;
                      image files without one get a 128 px thumbnail when sharp is installed
  --no-icon           no automatic thumbnails (files given an --icon keep theirs)
  --no-answer-note S  say after S seconds (default 4; 0 never) that nothing has answered the INVITE
                      yet, naming the address and transport tried (SIP keeps trying until Timer B)
  --log json          one JSON object per protocol event on stdout; human text goes to stderr
${networkUsage}${msrpRelayUsage}${tlsUsage}`;

const options = {
  from: { type: 'string' },
  to: { type: 'string', multiple: true },
  factory: { type: 'string' },
  group: { type: 'string' },
  transport: { type: 'string' },
  sip: { type: 'string' },
  'success-report': { type: 'boolean' },
  'no-reuse': { type: 'boolean' },
  decide: { type: 'string', multiple: true },
  'peer-tuning': { type: 'string' },
  'chunk-size': { type: 'string' },
  'resume-state': { type: 'string' },
  'no-resume': { type: 'boolean' },
  then: { type: 'boolean', multiple: true },
  icon: { type: 'string', multiple: true },
  'no-icon': { type: 'boolean' },
  'no-answer-note': { type: 'string' },
  log: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...msrpRelayOptionSpecs,
  ...tlsOptionSpecs,
  ...networkOptionSpecs,
} as const;

/** Parses send's arguments; the error is a one-line message for exit 2. */
export function parseSendArgs(args: readonly string[]): Result<SendCommand, string> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true; tokens: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(withOptionalRegisterUri(args), valueOptionNames(options)), options, allowPositionals: true, tokens: true, strict: true });
  } catch (error) {
    return fail(explainParseError(error, options));
  }
  const { values, tokens } = parsed;
  const help = values.help === true;
  const batches: string[][] = [[]];
  const icons = new Map<string, string>();
  // An --icon belongs to the FILE right after it, so `--icon a.png a.jpg b.bin` gives a.jpg an icon.
  let pendingIcon: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option' && token.name === 'then') batches.push([]);
    else if (token.kind === 'option' && token.name === 'icon') {
      if (pendingIcon !== undefined) return fail(`--icon ${pendingIcon} is not followed by a FILE`);
      pendingIcon = token.value ?? '';
    } else if (token.kind === 'positional') {
      batches[batches.length - 1]?.push(token.value);
      if (pendingIcon !== undefined) icons.set(token.value, pendingIcon);
      pendingIcon = undefined;
    }
  }
  if (pendingIcon !== undefined && values.help !== true) return fail(`--icon ${pendingIcon} is not followed by a FILE`);
  if ([...icons.values()].some((i) => i === '')) return fail('--icon needs an image file');
  const decisions = parseDecideOptions(values.decide ?? [], 'sender');
  if (!decisions.ok && !help) return decisions;
  const base = {
    help,
    decisions: decisions.ok ? decisions.value : {},
    icons,
    autoIcons: values['no-icon'] !== true,
    successReport: values['success-report'] === true,
    reuseMlines: values['no-reuse'] !== true,
    peerTuning: transferDefaults.peerTuning as PeerTuning,
    resume: values['no-resume'] !== true,
    resumeState: values['resume-state'],
    logJson: false,
  };
  if (help) {
    return ok({ ...base, from: '', destination: { kind: 'one-recipient', uri: '' }, batches, proxy: undefined, transport: 'udp', tls: undefined, sip: { host: '127.0.0.1', port: 0 }, chunkSize: undefined });
  }

  if (values.log !== undefined && values.log !== 'json') return fail(`--log supports only 'json', got '${values.log}'`);
  if (values.from === undefined) return fail('missing --from URI (our address, e.g. sip:alice@127.0.0.1)');
  const from = parseSipUri(values.from, '--from');
  if (!from.ok) return from;

  const destination = parseDestination(values.to ?? [], values.factory, values.group);
  if (!destination.ok) return destination;

  if (batches[0]?.length === 0) return fail('no FILE to send');
  const emptyThen = batches.findIndex((batch) => batch.length === 0);
  if (emptyThen !== -1) return fail(`--then #${emptyThen} has no FILE after it`);

  let proxy: string | undefined;
  if (values.proxy !== undefined) {
    const parsedProxy = parseSipUri(values.proxy, '--proxy');
    if (!parsedProxy.ok) return parsedProxy;
    proxy = parsedProxy.value;
  }
  const transport = parseTransport(values.transport);
  if (!transport.ok) return transport;
  const tls = parseTlsPaths(values, transport.value);
  if (!tls.ok) return tls;
  const sip = parseHostPort(values.sip ?? '127.0.0.1:0', '--sip', 0);
  if (!sip.ok) return sip;
  let chunkSize: number | undefined;
  if (values['chunk-size'] !== undefined) {
    const size = parseByteCount(values['chunk-size'], '--chunk-size');
    if (!size.ok) return size;
    if (size.value > transferDefaults.maxChunkSize) return fail(`--chunk-size is at most 4M (${transferDefaults.maxChunkSize} bytes), got '${values['chunk-size']}'`);
    chunkSize = size.value;
  }
  const peerTuning = values['peer-tuning'] ?? transferDefaults.peerTuning;
  if (peerTuning !== 'auto' && peerTuning !== 'off' && peerTuning !== 'always') return fail(`--peer-tuning expects auto, off or always, got '${peerTuning}'`);
  if (values['resume-state'] === '') return fail('--resume-state needs a FILE');
  if (values['no-resume'] === true && values['resume-state'] !== undefined) return fail('--no-resume cannot be combined with --resume-state');
  const msrpRelay = parseMsrpRelayArgs(values);
  if (!msrpRelay.ok) return msrpRelay;
  const network = parseNetworkArgs(values);
  if (!network.ok) return network;
  let noAnswerNoteMs: number | undefined;
  const note = values['no-answer-note'];
  if (note !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(note) || Number(note) > 3600) return fail(`--no-answer-note expects seconds from 0 to 3600 (e.g. 4 or 0.5), got '${note}'`);
    noAnswerNoteMs = Math.round(Number(note) * 1000);
  }
  return ok({ ...base, logJson: values.log === 'json', network: network.value, from: from.value, destination: destination.value, batches, proxy, transport: transport.value, tls: tls.value, sip: sip.value, chunkSize, peerTuning, msrpRelay: msrpRelay.value, noAnswerNoteMs });
}

// 7.6.1 step 1 chooses the set-up procedure from the destination's shape: one recipient is a 1-1
// session, a list goes to the conference factory as an ad-hoc group, a group URI is a pre-defined group.
function parseDestination(to: readonly string[], factory: string | undefined, group: string | undefined): Result<Destination, string> {
  const uris: string[] = [];
  for (const uri of to) {
    const parsed = parseSipUri(uri, '--to');
    if (!parsed.ok) return parsed;
    uris.push(parsed.value);
  }
  if (group !== undefined) {
    if (uris.length > 0 || factory !== undefined) return fail('--group cannot be combined with --to or --factory');
    const parsed = parseSipUri(group, '--group');
    return parsed.ok ? ok({ kind: 'predefined-group', uri: parsed.value }) : parsed;
  }
  const first = uris[0];
  if (first === undefined) return fail('missing --to URI (the recipient, e.g. sip:bob@127.0.0.1:5070) or --group URI');
  if (factory === undefined) {
    if (uris.length > 1) return fail('several --to need --factory URI (the conference factory of the recipient list)');
    return ok({ kind: 'one-recipient', uri: first });
  }
  const parsedFactory = parseSipUri(factory, '--factory');
  if (!parsedFactory.ok) return parsedFactory;
  return ok({ kind: 'recipient-list', uris, factory: parsedFactory.value });
}
