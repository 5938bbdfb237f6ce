// `cpm-ft serve`: answers RFC 5547 pulls from the files directly in --dir, one line per request
// ("served" or "not served" with the reason) and per file sent, until SIGINT/SIGTERM: exit 0 when
// nothing was being sent then, else 130/143 after naming the files the signal interrupted.
import { basename, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { CpmClient } from '../../client-types.ts';
import { createJsonLog } from '../json-log.ts';
import { registerIfAsked, resolveNetworkOptions } from '../parse-network-options.ts';
import type { CliIo } from '../main.ts';
import { parseServeArgs, serveUsage } from '../parse-pull-args.ts';
import { formatListenUri } from './receive.ts';
import { loadClientFactory, processSignals, type ClientFactory, type SignalName } from './send.ts';
import { safeLineWriter } from '../../safe-text.ts';
import { armShutdownCap, signalExitCode } from '../shutdown-cap.ts';

export interface ServeDeps {
  readonly createClient?: ClientFactory;
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
  /** Exits the process when closing outlasts the shutdown cap, or on a second signal. */
  readonly exit?: (code: number) => void;
  readonly shutdownGraceMs?: number;
}

export function run(args: string[], io: CliIo): Promise<number> {
  return runServe(args, io);
}

export async function runServe(args: readonly string[], io: CliIo, deps: ServeDeps = {}): Promise<number> {
  const parsed = parseServeArgs(args);
  if (!parsed.ok) {
    io.stderr.write(`cpm-ft serve: ${parsed.error}\n(try 'cpm-ft serve --help')\n`);
    return 2;
  }
  const command = parsed.value;
  if (command.help) {
    io.stdout.write(serveUsage);
    return 0;
  }
  // Peer text (selectors, names, reasons) reaches these lines: controls and bidi escaped.
  const human = safeLineWriter(command.logJson ? io.stderr : io.stdout);
  const dir = resolve(io.cwd, command.dir);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    io.stderr.write(`cpm-ft serve: ${dir} is not a folder\n(try 'cpm-ft serve --help')\n`);
    return 2;
  }
  const network = command.network === undefined ? undefined : await resolveNetworkOptions(command.network, io);
  if (network !== undefined && !network.ok) {
    io.stderr.write(`cpm-ft serve: ${network.error}\n(try 'cpm-ft serve --help')\n`);
    return 2;
  }
  let client: CpmClient;
  try {
    const createClient = deps.createClient ?? (await loadClientFactory());
    const hostInUri = command.sip.host.includes(':') ? `[${command.sip.host}]` : command.sip.host;
    client = await createClient({
      ...(network === undefined ? {} : network.value),
      localUri: command.uri ?? `sip:cpm-ft@${hostInUri}`,
      sip: { host: command.sip.host, port: command.sip.port, transport: command.transport },
      ...(command.logJson ? { log: createJsonLog(io.stdout) } : {}),
    });
  } catch (error) {
    io.stderr.write(`cpm-ft serve: cannot listen on ${command.sip.host}:${command.sip.port}: ${(error as Error).message}\n`);
    return 1;
  }
  // Files being sent now (a file pulled by two peers at once counts twice): what a signal interrupts.
  const sending = new Map<string, number>();
  const count = (path: string, by: number): void => {
    const n = (sending.get(path) ?? 0) + by;
    if (n > 0) sending.set(path, n); else sending.delete(path);
  };
  let stopping = false;
  // Selector texts and reasons come from the peer: printed JSON-quoted so control bytes stay visible.
  client.serve({
    dir,
    onRequest: (r) => {
      if (r.served && r.path !== undefined) count(r.path, 1);
      human.write(r.served ? `serving ${JSON.stringify(r.selector)} -> ${r.path ?? ''}\n` : `not served ${JSON.stringify(r.selector)}: ${JSON.stringify(r.reason ?? '')}\n`);
    },
    onServed: (f) => {
      // Lines failed by our own shutdown are reported once, as interrupted.
      if (stopping) return;
      count(f.path, -1);
      human.write(f.ok ? `sent ${f.name} ${f.size} bytes\n` : `failed to send ${f.name}: ${f.reason ?? ''}\n`);
    },
  });
  human.write(`serving ${dir} on ${formatListenUri(client.sipAddress)}\n`);
  if (command.network !== undefined && !(await registerIfAsked(client, command.network, (line) => human.write(`${line}\n`), (line) => io.stderr.write(`cpm-ft serve: ${line}\n`)))) {
    await client.close().catch(() => undefined);
    return 1;
  }
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let unsubscribe: () => void = () => undefined;
  const signal = await new Promise<SignalName>((resolvePromise) => {
    unsubscribe = (deps.onSignal ?? processSignals)((received) => {
      if (stopping) {
        exit(signalExitCode(received));
        return;
      }
      stopping = true;
      resolvePromise(received);
    });
  });
  const interrupted = [...sending.keys()].map((path) => basename(path));
  const code = interrupted.length === 0 ? 0 : signalExitCode(signal);
  human.write(`${signal}: shutting down\n`);
  if (interrupted.length > 0) safeLineWriter(io.stderr).write(`cpm-ft serve: interrupted by ${signal}: ${interrupted.join(', ')}\n`);
  // Closing ends every pull in progress (its MSRP session, then a BYE); a peer that does not
  // answer the BYE is not waited for past the cap.
  const disarm = armShutdownCap({
    ...(deps.shutdownGraceMs === undefined ? {} : { graceMs: deps.shutdownGraceMs }),
    exit,
    code,
    write: (text) => safeLineWriter(io.stderr).write(text),
    lastWords: () => 'cpm-ft serve: still closing sessions; exiting\n',
  });
  await client.close().catch(() => undefined);
  disarm();
  unsubscribe();
  return code;
}
