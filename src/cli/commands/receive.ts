// `cpm-ft receive`: listens, accepts (or with --reject declines) every offered file into --dir, prints
// one line per file, and serves session after session until SIGINT/SIGTERM, or until the first
// session ends with --once (exit 1 then if any of its files failed). A signal exits 0 when no file
// was arriving, else 130/143 after naming the files it interrupted.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { saveIcon } from '../../../runtime/index.ts';
import type { ClientLimits, CpmClient } from '../../client-types.ts';
import { createJsonLog } from '../json-log.ts';
import { parseReceiveArgs, receiveUsage, type ReceiveCommand } from '../parse-receive-args.ts';
import { readTlsCredentials, type TlsCredentials } from '../parse-tls-options.ts';
import { resolveMsrpRelay } from '../parse-msrp-relay.ts';
import { registerIfAsked, resolveNetworkOptions } from '../parse-network-options.ts';
import type { CliIo } from '../main.ts';
import { safeLineWriter } from '../../safe-text.ts';
import { clientStartError, loadClientFactory, processSignals, type ClientFactory, type SignalName } from './send.ts';
import { assertWritableFolder } from '../../options/writable-folder.ts';
import { withTlsTrustHint } from '../tls-trust-hint.ts';
import { signalExitCode } from '../shutdown-cap.ts';

export type { SignalName };


export interface ReceiveDeps {
  readonly createClient?: ClientFactory;
  /** Subscribes to shutdown signals; returns the unsubscribe. Tests pass a fake. */
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
  /** Immediate exit on a second signal, or when closing after a signal outlasts the grace. */
  readonly exit?: (code: number) => void;
  /** How long closing after a signal may take before the process exits anyway (SHUTDOWN_GRACE_MS). */
  readonly shutdownGraceMs?: number;
}

/**
 * A signalled shutdown waits this long for the client to close (BYEs sent, temporary parts
 * removed), then exits anyway: a session with hundreds of m-lines, or a peer that never answers
 * the BYE, must not keep a service manager's SIGTERM waiting (it escalates to SIGKILL, which
 * would leave every part behind). Parts still open then are hidden `.cpm-*.part` files, never
 * presented as received, which the stale-part sweep of a later run removes.
 */
export const SHUTDOWN_GRACE_MS = 1500;

export function run(args: string[], io: CliIo): Promise<number> {
  return runReceive(args, io);
}

/** `sip:HOST:PORT;transport=T`, with IPv6 hosts bracketed as SIP URIs require. */
export function formatListenUri(address: CpmClient['sipAddress']): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `sip:${host}:${address.port};transport=${address.transport}`;
}

/** The limits given on the command line (undefined: none, every default applies). */
function receiveLimits(command: ReceiveCommand): ClientLimits | undefined {
  const limits: { -readonly [K in keyof ClientLimits]: ClientLimits[K] } = {};
  if (command.maxSessionsPerPeer !== undefined) limits.maxSessionsPerPeer = command.maxSessionsPerPeer;
  if (command.maxSessions !== undefined) limits.maxSessions = command.maxSessions;
  if (command.maxMlinesPerSession !== undefined) limits.maxMlinesPerSession = command.maxMlinesPerSession;
  if (command.maxOpenFilesPerSession !== undefined) limits.maxOpenFilesPerSession = command.maxOpenFilesPerSession;
  if (command.maxOpenFiles !== undefined) limits.maxOpenFiles = command.maxOpenFiles;
  if (command.maxSessionsPerSource !== undefined) limits.maxSessionsPerSource = command.maxSessionsPerSource;
  if (command.maxConnectionsPerSource !== undefined) limits.sipMaxConnectionsPerSource = command.maxConnectionsPerSource;
  if (command.maxHandshakesPerSource !== undefined) limits.sipMaxHandshakesPerSource = command.maxHandshakesPerSource;
  if (command.maxSilentMsrpPerSource !== undefined) limits.msrpMaxSilentConnectionsPerSource = command.maxSilentMsrpPerSource;
  return Object.keys(limits).length === 0 ? undefined : limits;
}

export async function runReceive(args: readonly string[], io: CliIo, deps: ReceiveDeps = {}): Promise<number> {
  const parsed = parseReceiveArgs(args);
  if (!parsed.ok) {
    io.stderr.write(`cpm-ft receive: ${parsed.error}\n(try 'cpm-ft receive --help')\n`);
    return 2;
  }
  const command = parsed.value;
  if (command.help) {
    io.stdout.write(receiveUsage);
    return 0;
  }
  const humanStream = command.logJson ? io.stderr : io.stdout;
  // Every human line may carry the peer's text (names, URIs, reasons): controls and bidi escaped.
  const human = safeLineWriter(humanStream);
  const dir = resolve(io.cwd, command.dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    io.stderr.write(`cpm-ft receive: cannot create ${dir}: ${(error as Error).message}\n`);
    return 1;
  }
  // A folder that cannot take files fails now, not at every offer.
  try {
    assertWritableFolder(dir, 'cpm-ft receive');
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }

  const iconsDir = command.iconsDir === undefined ? undefined : resolve(io.cwd, command.iconsDir);
  if (iconsDir !== undefined) {
    try {
      await mkdir(iconsDir, { recursive: true });
    } catch (error) {
      io.stderr.write(`cpm-ft receive: cannot create ${iconsDir}: ${(error as Error).message}\n`);
      return 1;
    }
  }

  let tls: TlsCredentials | undefined;
  if (command.tls !== undefined) {
    const read = await readTlsCredentials(command.tls, io.cwd);
    if (!read.ok) {
      io.stderr.write(`cpm-ft receive: ${read.error}\n(try 'cpm-ft receive --help')\n`);
      return 2;
    }
    tls = read.value;
  }
  const msrpRelay = command.msrpRelay === undefined ? undefined : resolveMsrpRelay(command.msrpRelay, io.env);
  if (msrpRelay !== undefined && !msrpRelay.ok) {
    io.stderr.write(`cpm-ft receive: ${msrpRelay.error}\n(try 'cpm-ft receive --help')\n`);
    return 2;
  }

  const network = command.network === undefined ? undefined : await resolveNetworkOptions(command.network, io);
  if (network !== undefined && !network.ok) {
    io.stderr.write(`cpm-ft receive: ${network.error}\n(try 'cpm-ft receive --help')\n`);
    return 2;
  }

  let client: CpmClient;
  try {
    const createClient = deps.createClient ?? (await loadClientFactory());
    const hostInUri = command.sip.host.includes(':') ? `[${command.sip.host}]` : command.sip.host;
    const limits = receiveLimits(command);
    client = await createClient({
      ...(network === undefined ? {} : network.value),
      localUri: command.uri ?? `sip:cpm-ft@${hostInUri}`,
      sip: { host: command.sip.host, port: command.sip.port, transport: command.transport },
      ...(command.logJson ? { log: createJsonLog(io.stdout) } : {}),
      ...(tls === undefined ? {} : { tls }),
      ...(msrpRelay === undefined ? {} : { msrpRelay: msrpRelay.value }),
      ...(limits === undefined ? {} : { limits }),
      ...(command.msrpMatchSessionId === true ? { msrpMatchSessionIdOnly: true } : {}),
    });
  } catch (error) {
    io.stderr.write(`cpm-ft receive: cannot listen on ${command.sip.host}:${command.sip.port}: ${clientStartError(error)}\n`);
    return 1;
  }

  const names = new Map<string, string>();
  const sender = (offer: { from: string; fromName?: string }): string => (offer.fromName === undefined ? offer.from : `"${offer.fromName}" <${offer.from}>`);
  let failed = 0;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolvePromise) => {
    finish = resolvePromise;
  });

  // Accepted files not yet received or failed: what a signal interrupts. Every accepted file ends
  // in one of the two (a session that ends fails its unfinished files).
  const arriving = new Map<string, string>();
  let stopping = false;
  client.on('offer', (offer) => {
    names.set(offer.transferId, offer.name);
    if (offer.accepted) arriving.set(offer.transferId, offer.name);
    if (!offer.accepted) human.write(`declined ${offer.name} (${offer.size ?? '?'} bytes) from ${sender(offer)}\n`);
    // With --reject every file of an INVITE is declined, so the INVITE itself is refused (RFC 5547 §8.2,
    // 603) and no session ever starts: the library then reports no session-end. For --once that
    // refusal is the end of the first session; the short delay lets the INVITE's other offers print.
    if (command.once && command.reject) setTimeout(() => finish(0), 20);
  });
  // RFC 5547 §6: the icon of an accepted file (already checked by the library) goes to --icons DIR.
  if (iconsDir !== undefined) {
    client.on('icon', (icon) => {
      saveIcon(iconsDir, icon.name, icon).then(
        (path) => human.write(`icon ${icon.type} ${icon.bytes.length} bytes for ${JSON.stringify(icon.name)} -> ${path}\n`),
        (error: unknown) => io.stderr.write(`cpm-ft receive: icon for ${JSON.stringify(icon.name)} not saved: ${(error as Error).message}\n`),
      );
    });
  }
  client.on('file-received', (file) => {
    arriving.delete(file.transferId);
    const name = names.get(file.transferId) ?? file.path;
    human.write(`received ${name} ${file.size} bytes sha-1 ${file.hash} -> ${file.path}\n`);
  });
  client.on('file-failed', (file) => {
    // Once a signal came, every file still failing is one it interrupted, already named once.
    if (stopping) return;
    arriving.delete(file.transferId);
    failed += 1;
    human.write(`failed ${file.name}: ${withTlsTrustHint(file.reason)}\n`);
  });
  client.on('session-end', (session) => {
    human.write(`session from ${session.from} ended (${session.files} file${session.files === 1 ? '' : 's'})${session.reason === undefined ? '' : `: ${session.reason}`}\n`);
    if (command.once) finish(failed > 0 ? 1 : 0);
  });

  // First signal: close the client (BYE/teardown and removing the parts are the library's job) and
  // exit 0, or 130/143 when files were arriving, named on stderr. Second: at once.
  let signalled = false;
  const unsubscribe = (deps.onSignal ?? processSignals)((signal) => {
    if (signalled) {
      (deps.exit ?? ((code: number) => process.exit(code)))(signalExitCode(signal));
      return;
    }
    signalled = true;
    const interrupted = [...arriving.values()];
    arriving.clear();
    stopping = true;
    human.write(`${signal}: shutting down\n`);
    if (interrupted.length > 0) {
      const parts = command.keepPartials ? 'their received prefixes kept as .cpm-resume-*.part' : 'their parts removed';
      safeLineWriter(io.stderr).write(`cpm-ft receive: interrupted by ${signal}: ${interrupted.join(', ')} (${parts})\n`);
    }
    finish(interrupted.length === 0 ? 0 : signalExitCode(signal));
  });

  client.receive({
    dir,
    ...(command.maxSize === undefined ? {} : { maxSize: command.maxSize }),
    ...(command.reject ? { accept: () => false } : {}),
    ...(command.keepPartials ? { keepPartials: true } : {}),
    ...(command.msrpSetupTimeoutMs === undefined ? {} : { msrpSetupTimeoutMs: command.msrpSetupTimeoutMs }),
    ...(command.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: command.idleTimeoutMs }),
  });
  human.write(`listening on ${formatListenUri(client.sipAddress)} (files go to ${dir})\n`);
  // --register: a first REGISTER that fails (a refused password, say) ends the command with 1.
  if (command.network !== undefined && !(await registerIfAsked(client, command.network, (line) => human.write(`${line}\n`), (line) => io.stderr.write(`cpm-ft receive: ${line}\n`)))) finish(1);

  const code = await finished;
  const closing = client.close().then(
    () => true,
    (error: unknown) => { io.stderr.write(`cpm-ft receive: error while closing: ${(error as Error).message}\n`); return true; },
  );
  const grace = deps.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
  let timer: NodeJS.Timeout | undefined;
  const closedInTime = signalled
    ? await Promise.race([closing, new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), grace); })])
    : await closing;
  clearTimeout(timer);
  unsubscribe();
  if (!closedInTime) {
    io.stderr.write(`cpm-ft receive: still closing sessions after ${grace} ms; exiting\n`);
    (deps.exit ?? ((c: number) => process.exit(c)))(code);
  }
  return code;
}
