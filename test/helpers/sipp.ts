// Runs sipp with one of the scenarios in test/interop/sipp on loopback, foreground (no -bg), and returns its
// exit code with the message and error logs. The process is always reaped: on our own timeout it is killed.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackChild, stopChild, waitForExit } from './child-process-registry.ts';
import { freePort, waitForPort } from './wait-for-port.ts';
import { peerCommand } from './system-peer-lookup.ts';

export const SIPP_SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'interop', 'sipp');

/** sipp's documented exit codes. */
export const SippExit = {
  allCallsSucceeded: 0,
  someCallsFailed: 1,
  noCallsProcessed: 99,
  fatal: 255,
} as const;

export interface SippOptions {
  /** File name in test/interop/sipp, or an absolute path. */
  readonly scenario: string;
  readonly transport: 'udp' | 'tcp';
  /** Local port (-p); an ephemeral one is chosen when absent. */
  readonly localPort?: number;
  /** `host:port` of the peer, for a UAC. */
  readonly remote?: string;
  /** Request-URI user (-s). */
  readonly service?: string;
  readonly calls?: number;
  /** sipp's global -timeout; our kill timer fires 2 s after it. */
  readonly timeoutMs?: number;
  /** -recv_timeout: how long a recv waits before the call fails. */
  readonly recvTimeoutMs?: number;
  /** -d: duration of a bare <pause/>. */
  readonly pauseMs?: number;
  /** -key name value pairs; msrp_port defaults to 2855, target (Request-URI host:port) to `remote`. */
  readonly keys?: Readonly<Record<string, string | number>>;
  readonly extraArgs?: readonly string[];
}

export interface SippResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when our own timer had to kill sipp. */
  readonly killed: boolean;
  /** -trace_msg log: every message sent and received. */
  readonly messages: string;
  /** The same log as bytes (binary body parts; sipp writes each message as a C string, up to its first NUL). */
  readonly messageBytes: Buffer;
  /** -trace_err log: unexpected messages and failed checks. */
  readonly errors: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly args: readonly string[];
}

export interface SippRun {
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** Resolves once sipp has bound its listening port (useful before starting a UAC against it). */
  ready(): Promise<void>;
  /** Resolves with the result when sipp exits (itself or killed on timeout). */
  readonly done: Promise<SippResult>;
  /** SIGTERM (then SIGKILL), resolves with the result. */
  stop(): Promise<SippResult>;
}

export async function startSipp(options: SippOptions): Promise<SippRun> {
  const port = options.localPort ?? (await freePort(options.transport));
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-sipp-'));
  const scenario = isAbsolute(options.scenario) ? options.scenario : join(SIPP_SCENARIO_DIR, options.scenario);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const messageFile = join(dir, 'messages.log');
  const errorFile = join(dir, 'errors.log');
  const keys = { msrp_port: 2855, target: options.remote ?? '127.0.0.1', ...options.keys };
  const args = [
    '-sf', scenario,
    '-i', '127.0.0.1',
    '-p', String(port),
    '-m', String(options.calls ?? 1),
    '-t', options.transport === 'udp' ? 'u1' : 't1',
    '-nostdin',
    '-trace_err', '-error_file', errorFile,
    '-trace_msg', '-message_file', messageFile,
    '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error',
    ...(options.recvTimeoutMs !== undefined ? ['-recv_timeout', String(options.recvTimeoutMs)] : []),
    ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
    ...(options.service !== undefined ? ['-s', options.service] : []),
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, String(v)]),
    ...(options.extraArgs ?? []),
    ...(options.remote !== undefined ? [options.remote] : []),
  ];
  const child = trackChild(spawn(peerCommand('sipp'), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  let killed = false;
  const killTimer = setTimeout(() => { killed = true; void stopChild(child, 'SIGTERM', 1000); }, timeoutMs + 2000);
  const done = (async (): Promise<SippResult> => {
    const { code, signal } = await waitForExit(child);
    clearTimeout(killTimer);
    const read = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');
    const messageBytes = await readFile(messageFile).catch(() => Buffer.alloc(0));
    const result: SippResult = { exitCode: code, signal, killed, messages: messageBytes.toString('utf8'), messageBytes, errors: await read(errorFile), stdout, stderr, args };
    await rm(dir, { recursive: true, force: true });
    return result;
  })();
  return {
    port,
    transport: options.transport,
    ready: () => waitForPort(port, options.transport, 5000, () => child.exitCode === null && child.signalCode === null),
    done,
    async stop() { await stopChild(child, 'SIGTERM', 2000); return done; },
  };
}

/** Runs sipp to completion. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  return (await startSipp(options)).done;
}

/** Start lines (request/status lines) of the messages sipp sent or received, in log order. */
export function sippStartLines(log: string): string[] {
  return [...log.matchAll(/^(?:[A-Z]+ sip:[^\s]+ SIP\/2\.0|SIP\/2\.0 \d{3}[^\r\n]*)/gm)].map((m) => m[0].trim());
}

export interface SippLoggedMessage {
  readonly direction: 'sent' | 'received';
  /** The start line (request line or status line). */
  readonly startLine: string;
  /** Header section and body as logged (LF line ends). */
  readonly text: string;
  /** The body after the first blank line, '' when none. */
  readonly body: string;
}

/**
 * Splits a -trace_msg log into messages. Each entry starts with a dashed timestamp line and a
 * "UDP/TCP message sent (N bytes):" or "... message received [N] bytes :" line.
 */
export function sippMessages(log: string): SippLoggedMessage[] {
  const messages: SippLoggedMessage[] = [];
  for (const block of log.split(/^-{10,} [^\n]*\n/m)) {
    const header = /^\w+ message (sent|received)[^\n]*\n\n?/.exec(block);
    if (header === null) continue;
    const text = block.slice(header[0].length).replace(/\r\n/g, '\n').replace(/\n+$/, '\n');
    const startLine = text.split('\n', 1)[0]?.trim() ?? '';
    if (startLine === '') continue;
    const blank = text.indexOf('\n\n');
    messages.push({ direction: header[1] === 'sent' ? 'sent' : 'received', startLine, text, body: blank < 0 ? '' : text.slice(blank + 2) });
  }
  return messages;
}
