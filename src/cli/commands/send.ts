// `cpm-ft send`: checks every file first, opens a client, sends the first batch and queues each
// `--then` batch for the same destination (7.6.1 step 4.a picks them up), shows progress, and exits
// 0 only when every file arrived, 1 with `file transfer failed: ...` otherwise, 2 on usage errors.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readIconFile } from '../../../runtime/index.ts';
import type { ClientOptions, CpmClient, FileFailure, FileIcon, FileToSend, FileResult, LogEvent, MemberOutcome, OutgoingTransfer, TransferSummary } from '../../client-types.ts';
import { safeText } from '../../safe-text.ts';
import { createJsonLog } from '../json-log.ts';
import { memberStatusLines } from '../member-status-lines.ts';
import { parseSendArgs, sendUsage } from '../parse-send-args.ts';
import { readTlsCredentials, type TlsCredentials } from '../parse-tls-options.ts';
import { MSRP_RELAY_AUTH_ENV, resolveMsrpRelay } from '../parse-msrp-relay.ts';
import { registerIfAsked, resolveNetworkOptions } from '../parse-network-options.ts';
import { createProgressView } from '../progress/create-progress-view.ts';
import type { ProgressStream, ProgressView } from '../progress/progress-view.ts';
import type { CliIo } from '../main.ts';
import { withTlsTrustHint } from '../tls-trust-hint.ts';
import { handleShutdownSignals, signalExitCode } from '../shutdown-cap.ts';

/** With --transport tls the CLI also passes PEM credentials (the library's `tls` extra option). */
export type ClientFactory = (options: ClientOptions & { readonly tls?: TlsCredentials; readonly onNotice?: (event: LogEvent) => void }) => Promise<CpmClient>;

/** The library's createClient, loaded on first use so `--help` and usage errors stay instant. */
export async function loadClientFactory(): Promise<ClientFactory> {
  const module = (await import('../../client.ts')) as { createClient: ClientFactory };
  return module.createClient;
}

export type SignalName = 'SIGINT' | 'SIGTERM';

/** Subscribes `handler` to SIGINT and SIGTERM; returns the unsubscribe. */
export function processSignals(handler: (signal: SignalName) => void): () => void {
  const signals: SignalName[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

export interface SendDeps {
  readonly createClient?: ClientFactory;
  /** Shutdown signals (tests pass a fake); the first one cancels the transfer, a second exits at once. */
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
  readonly exit?: (code: number) => void;
  /** Progress view factory (tests pass one with a fake clock). */
  readonly progressView?: (out: ProgressStream) => ProgressView;
  /** Bound on the cancel after the first signal (default CANCEL_WAIT_MS). */
  readonly cancelWaitMs?: number;
  /** Bound on the whole shutdown after the first signal (default SHUTDOWN_GRACE_MS). */
  readonly shutdownGraceMs?: number;
}

/**
 * How long the first Ctrl-C waits for the cancel to finish: the '#' chunk answered, the BYE
 * answered, the MSRP connections closed. It leaves room for closing the client within the
 * shutdown cap (SHUTDOWN_GRACE_MS); a second signal exits at once.
 */
export const CANCEL_WAIT_MS = 1000;

export function run(args: string[], io: CliIo): Promise<number> {
  return runSend(args, io);
}

export async function runSend(args: readonly string[], io: CliIo, deps: SendDeps = {}): Promise<number> {
  const parsed = parseSendArgs(args);
  if (!parsed.ok) {
    io.stderr.write(`cpm-ft send: ${parsed.error}\n(try 'cpm-ft send --help')\n`);
    return 2;
  }
  const command = parsed.value;
  if (command.help) {
    io.stdout.write(sendUsage);
    return 0;
  }

  // Every file is checked before anything goes on the wire, so a typo never leaves half a batch sent.
  const sizes = new Map<string, number>();
  for (const file of command.batches.flat()) {
    const path = resolve(io.cwd, file);
    const problem = await checkReadableFile(path);
    if (problem !== undefined) {
      io.stderr.write(`cpm-ft send: cannot send '${file}': ${problem}\n(try 'cpm-ft send --help')\n`);
      return 2;
    }
    sizes.set(path, (await stat(path)).size);
  }
  // RFC 5547 §6 icons are checked up front too (readable, an accepted image, within the size cap).
  const icons = new Map<string, FileIcon>();
  for (const [file, icon] of command.icons) {
    try {
      icons.set(resolve(io.cwd, file), await readIconFile(resolve(io.cwd, icon)));
    } catch (error) {
      io.stderr.write(`cpm-ft send: bad --icon for '${file}': ${(error as Error).message}\n(try 'cpm-ft send --help')\n`);
      return 2;
    }
  }
  const toSend = (file: string): string | FileToSend => {
    const path = resolve(io.cwd, file);
    const icon = icons.get(path);
    return icon === undefined ? path : { path, icon };
  };

  let tls: TlsCredentials | undefined;
  if (command.tls !== undefined) {
    const read = await readTlsCredentials(command.tls, io.cwd);
    if (!read.ok) {
      io.stderr.write(`cpm-ft send: ${read.error}\n(try 'cpm-ft send --help')\n`);
      return 2;
    }
    tls = read.value;
  }
  const msrpRelay = command.msrpRelay === undefined ? undefined : resolveMsrpRelay(command.msrpRelay, io.env);
  if (msrpRelay !== undefined && !msrpRelay.ok) {
    io.stderr.write(`cpm-ft send: ${msrpRelay.error}\n(try 'cpm-ft send --help')\n`);
    return 2;
  }

  const network = command.network === undefined ? undefined : await resolveNetworkOptions(command.network, io);
  if (network !== undefined && !network.ok) {
    io.stderr.write(`cpm-ft send: ${network.error}\n(try 'cpm-ft send --help')\n`);
    return 2;
  }

  // With --log json stdout carries only JSON lines, so everything meant for people goes to stderr.
  const human = (command.logJson ? io.stderr : io.stdout) as ProgressStream & NodeJS.WritableStream;
  const view = (deps.progressView ?? ((out) => createProgressView(out, io.env)))(human);

  // Resuming is said in plain words whether or not --log json also records it.
  const onNotice = (event: LogEvent): void => {
    if (event['event'] === 'resume') human.write(`resuming ${String(event['name'])} from byte ${String(event['from'])}\n`);
    else if (event['event'] === 'resume-state-warning') io.stderr.write(`cpm-ft send: warning: ${String(event['message'])}\n`);
    // Automatic icons: one note when the image library is missing, one per image left without one.
    else if (event['event'] === 'auto-icon-unavailable') io.stderr.write(`cpm-ft send: note: ${safeText(String(event['message']))}\n`);
    else if (event['event'] === 'auto-icon-skipped') io.stderr.write(`cpm-ft send: note: no icon for ${safeText(basename(String(event['path'])))}: ${safeText(String(event['message']))}\n`);
  };

  let client: CpmClient;
  try {
    const createClient = deps.createClient ?? (await loadClientFactory());
    client = await createClient({
      ...(network === undefined ? {} : network.value),
      localUri: command.from,
      sip: { host: command.sip.host, port: command.sip.port, transport: command.transport },
      ...(command.proxy === undefined ? {} : { outboundProxy: command.proxy }),
      ...(command.chunkSize === undefined ? {} : { chunkSize: command.chunkSize }),
      ...(command.noAnswerNoteMs === undefined ? {} : { noAnswerNoticeMs: command.noAnswerNoteMs }),
      successReport: command.successReport,
      peerTuning: command.peerTuning,
      reuseMlines: command.reuseMlines,
      ...(Object.keys(command.decisions).length > 0 ? { decisions: command.decisions } : {}),
      resume: command.resume,
      autoIcons: command.autoIcons,
      ...(command.resume ? { resumeStatePath: resolve(io.cwd, command.resumeState ?? defaultResumeStatePath(io.env)), hashCacheDir: defaultHashCacheDir(io.env) } : {}),
      ...(command.logJson ? { log: createJsonLog(io.stdout) } : {}),
      onNotice,
      ...(tls === undefined ? {} : { tls }),
      ...(msrpRelay === undefined ? {} : { msrpRelay: msrpRelay.value }),
    });
  } catch (error) {
    io.stderr.write(`file transfer failed: cannot start the SIP client: ${safeText(clientStartError(error))}\n`);
    return 1;
  }

  // --register before sending: a sender reachable at its AOR, or a registrar that wants it first.
  if (command.network !== undefined && !(await registerIfAsked(client, command.network, (line) => human.write(`${line}\n`), (line) => io.stderr.write(`cpm-ft send: ${line}\n`)))) {
    await client.close().catch(() => undefined);
    return 1;
  }

  const nameOf = (file: string): string => basename(file);
  // What a signal interrupts: every requested file that neither arrived nor failed before it.
  const unfinished = new Set(command.batches.flat().map((file) => basename(file)));
  const started = new Set<string>();
  const startOnce = (name: string, size: number): void => {
    if (started.has(name)) return;
    started.add(name);
    view.start(name, size);
  };

  // First signal: cancel the transfer (clause 7.6.1 step 6: the file being sent is interrupted with
  // an MSRP '#' chunk, then the session is released), name the files it stopped, close the client
  // and exit 130/143. A second signal while that runs exits at once.
  let interrupt: (signal: SignalName) => void = () => undefined;
  const interrupted = new Promise<SignalName>((resolvePromise) => {
    interrupt = resolvePromise;
  });
  // The exit is guaranteed from the first signal: a receiver that answers neither the '#' chunk nor
  // the BYE (nor the INVITE still pending) cannot hold the command past the cap.
  const shutdown = handleShutdownSignals({
    subscribe: deps.onSignal ?? processSignals,
    ...(deps.shutdownGraceMs === undefined ? {} : { graceMs: deps.shutdownGraceMs }),
    exit: deps.exit ?? ((code: number) => process.exit(code)),
    write: (text) => io.stderr.write(text),
    lastWords: (signal) => `file transfer failed: interrupted by ${signal}${unfinished.size === 0 ? '' : `: ${safeText([...unfinished].join(', '))} interrupted`}; the peer did not let the session close in time\n`,
    onFirst: (signal) => interrupt(signal),
  });

  let current: OutgoingTransfer | undefined;
  const sendBatches = (batches: readonly (readonly string[])[]): Promise<TransferSummary | SignalName> => {
    const [first = [], ...later] = batches;
    const transfer = client.send(command.destination, first.map(toSend));
    current = transfer;
    for (const batch of later) transfer.queue(batch.map(toSend));
    transfer.on('progress', ({ file, sent, total }) => {
      const name = nameOf(file);
      startOnce(name, total);
      view.update(name, sent, total);
    });
    const memberLines = memberStatusLines();
    transfer.on('member-status', (event) => {
      for (const line of memberLines(event)) human.write(`${safeText(line)}\n`);
    });
    // A silent peer: where the INVITE went, and that SIP is still trying (until Timer B).
    transfer.on('no-answer', (note) => {
      io.stderr.write(`cpm-ft send: note: nothing has answered the INVITE to ${safeText(note.target)} at ${safeText(note.address)} over ${note.transport} after ${seconds(note.waitedMs)}; still trying until ${seconds(note.giveUpAfterMs)} (is the receiver running, and on ${note.transport}?)\n`);
    });
    transfer.on('file-complete', (result) => {
      unfinished.delete(result.name);
      startOnce(result.name, result.size);
      view.done(result.name, result.hash);
    });
    transfer.on('file-failed', (result) => {
      // Closing after a signal fails what is in flight; the interruption line already says so.
      if (shutdown.signalled !== undefined) return;
      startOnce(result.name, result.size);
      // A declined resume is retried whole below; that retry's outcome is the one to show.
      if (declinedResume(result.failure)) return;
      unfinished.delete(result.name);
      view.failed(result.name, safeText(describeFailure(result.failure)));
    });
    return Promise.race([transfer.done, interrupted]);
  };

  let summary: TransferSummary;
  try {
    let outcome = await sendBatches(command.batches);
    // RFC 5547 §8.2: a receiver without the earlier part declines the ranged m-line; the sender has
    // already forgotten the restart point, so the same files go again, whole, in a new session.
    const declined = typeof outcome === 'string' ? [] : outcome.files.filter((f) => !f.ok && f.failure !== undefined && declinedResume(f.failure));
    if (typeof outcome !== 'string' && declined.length > 0) {
      for (const file of declined) human.write(`the receiver has no earlier part of ${file.name}; sending it whole\n`);
      const retry = await sendBatches([declined.map((file) => file.path)]);
      if (typeof retry === 'string') outcome = retry;
      else {
        const redone = new Set(declined);
        outcome = { ...retry, ok: retry.ok && outcome.files.every((f) => f.ok || redone.has(f)), files: [...outcome.files.filter((f) => !redone.has(f)), ...retry.files] };
      }
    }
    if (typeof outcome === 'string') {
      view.finish();
      const cancelled = current === undefined ? [] : await cancelledFiles(current, `interrupted by ${outcome}`, deps.cancelWaitMs ?? CANCEL_WAIT_MS);
      // A cancel that did not end in time names nothing itself: the files not done are what it stopped.
      const stopped = cancelled.length > 0 ? cancelled : [...unfinished];
      io.stderr.write(`file transfer failed: interrupted by ${outcome}${stopped.length === 0 ? '' : `: ${safeText(stopped.join(', '))} cancelled`}\n`);
      await client.close().catch(() => undefined);
      shutdown.release();
      return signalExitCode(outcome);
    }
    summary = outcome;
  } catch (error) {
    view.finish();
    await client.close().catch(() => undefined);
    shutdown.release();
    io.stderr.write(`file transfer failed: ${safeText((error as Error).message)}\n`);
    return 1;
  }
  view.finish();
  await client.close().catch(() => undefined);
  shutdown.release();

  const failures = missingFiles([...command.batches.flat()].map((file) => resolve(io.cwd, file)), summary);
  for (const line of failures) io.stderr.write(`file transfer failed: ${safeText(line)}\n`);
  // Group sends: one line per member as the focus reported it; every member must have every file.
  const members = summary.members ?? [];
  for (const member of members) human.write(`member ${safeText(`${member.member} ${describeMember(member)}`)}\n`);
  const memberFailures = members.filter((m) => m.status !== 'received');
  if (memberFailures.length > 0) {
    io.stderr.write(`file transfer failed: ${safeText(memberFailures.map((m) => `${m.member} ${describeMember(m)}`).join('; '))}\n`);
  }
  return failures.length === 0 && memberFailures.length === 0 ? 0 : 1;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** 'received 2 files', 'declined (603 Decline)', 'failed (report.pdf: MSRP 413 too large)'. */
export function describeMember(member: MemberOutcome): string {
  const files = member.files.length;
  if (member.status === 'received') return `received ${files} file${files === 1 ? '' : 's'}`;
  const answer = member.sipStatus === undefined ? member.reason : `${member.sipStatus}${member.reason === undefined ? '' : ` ${member.reason}`}`;
  const missing = member.files.filter((f) => !f.delivered);
  const got = files - missing.length;
  // A member that joined but lost files: say which and why; one that never joined: its answer.
  const detail = answer !== undefined && (member.status !== 'connected' || missing.length === 0)
    ? answer
    : missing.map((f) => `${f.name}: ${f.status === undefined ? '' : `MSRP ${f.status} `}${f.reason ?? 'not delivered'}`).join(', ');
  const partial = got > 0 ? `, received ${got} of ${files} files` : '';
  return `${member.status} (${detail}${partial})`;
}

/** Cancels `transfer` and names the files the cancel stopped; none when it did not end within `waitMs`. */
async function cancelledFiles(transfer: OutgoingTransfer, reason: string, waitMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), waitMs); });
  const summary = await Promise.race([transfer.cancel(reason), late]).finally(() => clearTimeout(timer));
  return (summary?.files ?? []).filter((f) => !f.ok && f.failure?.source === 'cancelled').map((f) => f.name);
}

async function checkReadableFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return info.isDirectory() ? 'is a directory' : 'not a regular file';
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission denied)';
    return (error as Error).message;
  }
}

/** $XDG_STATE_HOME/cpm-ft, else ~/.local/state/cpm-ft (XDG base dirs). */
function stateFolder(env: NodeJS.ProcessEnv): string {
  const state = env['XDG_STATE_HOME'];
  // The XDG spec ignores a relative XDG_STATE_HOME.
  if (state !== undefined && state.startsWith('/')) return join(state, 'cpm-ft');
  return join(env['HOME'] ?? homedir(), '.local', 'state', 'cpm-ft');
}

/** $XDG_STATE_HOME/cpm-ft/resume.json, else ~/.local/state/cpm-ft/resume.json. */
export function defaultResumeStatePath(env: NodeJS.ProcessEnv): string {
  return join(stateFolder(env), 'resume.json');
}

/** The SHA-1s of sent files, next to the resume state (and, like it, off with --no-resume). */
export function defaultHashCacheDir(env: NodeJS.ProcessEnv): string {
  return join(stateFolder(env), 'hash-cache');
}

/** The runtime's failure for a ranged m-line the receiver declined (the restart point is gone). */
function declinedResume(failure: FileFailure): boolean {
  return failure.source === 'sip-response' && /declined to resume/.test(failure.message);
}

/** 'MSRP 413: message too large' — the protocol and status first, since that is what users search for. */
export function describeFailure(failure: FileFailure): string {
  // The receiver's BYE already reads as a sentence ("the receiver closed the session").
  if (failure.source === 'peer-bye') return withTlsTrustHint(failure.message);
  const protocol = failure.source.startsWith('msrp') || failure.source === 'failure-report' ? 'MSRP' : failure.source.startsWith('sip') ? 'SIP' : failure.source;
  const head = failure.status === undefined ? protocol : `${protocol} ${failure.status}`;
  // Messages often start with the status again ('603 Decline'); say it once.
  const message = failure.status === undefined ? failure.message : failure.message.replace(new RegExp(`^${failure.status}\\s*`), '');
  return withTlsTrustHint(message === '' ? head : `${head}: ${message}`);
}

/**
 * One line per requested file that did not arrive. A file counts only if the summary has an ok
 * result for it (matched by path, else by name); a failed session with no per-file results fails all.
 */
export function missingFiles(requested: readonly string[], summary: TransferSummary): string[] {
  const lines: string[] = [];
  const pool = [...summary.files];
  const take = (path: string): FileResult | undefined => {
    const index = pool.findIndex((result) => resolve(result.path) === path);
    const byName = index === -1 ? pool.findIndex((result) => result.name === basename(path)) : index;
    return byName === -1 ? undefined : pool.splice(byName, 1)[0];
  };
  for (const path of requested) {
    const result = take(path);
    if (result?.ok === true) continue;
    const why = result?.failure === undefined ? (summary.ok ? 'no result reported' : 'session failed') : describeFailure(result.failure);
    lines.push(`${basename(path)}: ${why}`);
  }
  if (lines.length === 0 && !summary.ok) lines.push('the session reported a failure');
  return lines;
}

/** Why the client could not start, with the CLI's hint where the library's error has one to give. */
export function clientStartError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_MSRP_RELAY_AUTH_REQUIRED') return `${message}: give --msrp-relay-auth USER:PASSWORD or set $${MSRP_RELAY_AUTH_ENV}`;
  return withTlsTrustHint(message);
}
