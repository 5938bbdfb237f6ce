// `cpm-ft pull`: asks one peer for files by their RFC 5547 file-selectors and writes them into
// --dir, all in one session (the first by the INVITE, each further one by a re-INVITE). Exit 0 when
// every file arrived and matched its selector, 1 when the peer has no such file ("not found", its
// m-line answered with port 0) or a pull failed, 2 on usage errors. SIGINT/SIGTERM cancel the pull
// (CANCEL while the INVITE waits, the partial file removed, then BYE), name the files not pulled
// and exit 130/143, within the shutdown cap whatever the peer does.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatPullSelector, type PullSelector } from '../../../runtime/index.ts';
import type { CpmClient } from '../../client-types.ts';
import { createJsonLog } from '../json-log.ts';
import { registerIfAsked, resolveNetworkOptions } from '../parse-network-options.ts';
import type { CliIo } from '../main.ts';
import { parsePullArgs, pullUsage } from '../parse-pull-args.ts';
import { loadClientFactory, processSignals, type ClientFactory, type SignalName } from './send.ts';
import { handleShutdownSignals, signalExitCode } from '../shutdown-cap.ts';
import { safeLineWriter } from '../../safe-text.ts';

export function run(args: string[], io: CliIo): Promise<number> {
  return runPull(args, io);
}

export interface PullDeps {
  readonly createClient?: ClientFactory;
  /** Shutdown signals (tests pass a fake); the first cancels the pull, a second exits at once. */
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
  readonly exit?: (code: number) => void;
  readonly shutdownGraceMs?: number;
}

export async function runPull(args: readonly string[], io: CliIo, deps: PullDeps = {}): Promise<number> {
  const parsed = parsePullArgs(args);
  if (!parsed.ok) {
    io.stderr.write(`cpm-ft pull: ${parsed.error}\n(try 'cpm-ft pull --help')\n`);
    return 2;
  }
  const command = parsed.value;
  if (command.help) {
    io.stdout.write(pullUsage);
    return 0;
  }
  // Peer text (selectors, names, reasons) reaches these lines: controls and bidi escaped.
  const human = safeLineWriter(command.logJson ? io.stderr : io.stdout);
  const dir = resolve(io.cwd, command.dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    io.stderr.write(`cpm-ft pull: cannot create ${dir}: ${(error as Error).message}\n`);
    return 1;
  }
  const network = command.network === undefined ? undefined : await resolveNetworkOptions(command.network, io);
  if (network !== undefined && !network.ok) {
    io.stderr.write(`cpm-ft pull: ${network.error}\n(try 'cpm-ft pull --help')\n`);
    return 2;
  }
  // Files pulled so far (in selector order), so a forced exit names only the ones still missing.
  let pulled = 0;
  const jsonLog = command.logJson ? createJsonLog(io.stdout) : undefined;
  let client: CpmClient;
  try {
    const createClient = deps.createClient ?? (await loadClientFactory());
    const hostInUri = command.sip.host.includes(':') ? `[${command.sip.host}]` : command.sip.host;
    client = await createClient({
      ...(network === undefined ? {} : network.value),
      localUri: command.uri ?? `sip:cpm-ft@${hostInUri}`,
      sip: { host: command.sip.host, port: command.sip.port, transport: command.transport },
      log: (event) => {
        if (event['kind'] === 'file' && event['event'] === 'pulled') pulled += 1;
        jsonLog?.(event);
      },
    });
  } catch (error) {
    io.stderr.write(`cpm-ft pull: cannot bind ${command.sip.host}:${command.sip.port}: ${(error as Error).message}\n`);
    return 1;
  }
  if (command.network !== undefined && !(await registerIfAsked(client, command.network, (line) => human.write(`${line}\n`), (line) => io.stderr.write(`cpm-ft pull: ${line}\n`)))) {
    await client.close().catch(() => undefined);
    return 1;
  }
  const aborter = new AbortController();
  const notPulled = (): string => command.selectors.slice(pulled).map((s) => JSON.stringify(formatPullSelector(s))).join(', ');
  // The pull in progress stops at once (its temporary file removed); the BYE that follows, or a
  // CANCEL the peer never answers, is not waited for past the cap.
  const shutdown = handleShutdownSignals({
    subscribe: deps.onSignal ?? processSignals,
    ...(deps.shutdownGraceMs === undefined ? {} : { graceMs: deps.shutdownGraceMs }),
    exit: deps.exit ?? ((code: number) => process.exit(code)),
    write: (text) => safeLineWriter(io.stderr).write(text),
    lastWords: (signal) => `cpm-ft pull: interrupted by ${signal}: ${notPulled()} not pulled; the peer did not let the session close in time\n`,
    onFirst: (signal) => aborter.abort(`interrupted by ${signal}`),
  });
  try {
    const results = await client.pullFiles({
      from: command.from,
      selectors: command.selectors,
      dir,
      signal: aborter.signal,
      ...(command.maxSize !== undefined ? { maxSize: command.maxSize } : {}),
      ...(command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {}),
    });
    const signalled = shutdown.signalled;
    if (signalled !== undefined) {
      for (const result of results) if (result.ok) human.write(`pulled ${result.size} bytes sha-1 ${result.hash} -> ${result.path}\n`);
      safeLineWriter(io.stderr).write(`cpm-ft pull: interrupted by ${signalled}: ${results.flatMap((r, i) => (r.ok ? [] : [JSON.stringify(formatPullSelector(command.selectors[i] as PullSelector))])).join(', ')} not pulled\n`);
      return signalExitCode(signalled);
    }
    let code = 0;
    for (const [index, result] of results.entries()) {
      if (result.ok) {
        human.write(`pulled ${result.size} bytes sha-1 ${result.hash} -> ${result.path}\n`);
        continue;
      }
      code = 1;
      const selector = command.selectors[index];
      // The message may carry the peer's text (a SIP reason, a Warning): controls and bidi escaped.
      safeLineWriter(io.stderr).write(result.reason === 'not-found' && selector !== undefined
        ? `cpm-ft pull: not found: ${command.from} has no file matching ${JSON.stringify(formatPullSelector(selector))}\n`
        : `cpm-ft pull: ${result.message}\n`);
    }
    return code;
  } finally {
    await client.close().catch(() => undefined);
    shutdown.release();
  }
}
