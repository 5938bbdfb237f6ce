// `cpm-ft serve`: answers RFC 5547 pulls from the files directly in --dir, one line per request
// ("served" or "not served" with the reason) and per file sent, until SIGINT/SIGTERM (exit 0).
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { CpmClient } from '../../client-types.ts';
import { createJsonLog } from '../json-log.ts';
import { registerIfAsked, resolveNetworkOptions } from '../parse-network-options.ts';
import type { CliIo } from '../main.ts';
import { parseServeArgs, serveUsage } from '../parse-pull-args.ts';
import { formatListenUri } from './receive.ts';
import { loadClientFactory, processSignals, type ClientFactory, type SignalName } from './send.ts';
import { safeLineWriter } from '../../safe-text.ts';

export interface ServeDeps {
  readonly createClient?: ClientFactory;
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
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
  // Selector texts and reasons come from the peer: printed JSON-quoted so control bytes stay visible.
  client.serve({
    dir,
    onRequest: (r) => human.write(r.served ? `serving ${JSON.stringify(r.selector)} -> ${r.path ?? ''}\n` : `not served ${JSON.stringify(r.selector)}: ${JSON.stringify(r.reason ?? '')}\n`),
    onServed: (f) => human.write(f.ok ? `sent ${f.name} ${f.size} bytes\n` : `failed to send ${f.name}: ${f.reason ?? ''}\n`),
  });
  human.write(`serving ${dir} on ${formatListenUri(client.sipAddress)}\n`);
  if (command.network !== undefined && !(await registerIfAsked(client, command.network, (line) => human.write(`${line}\n`), (line) => io.stderr.write(`cpm-ft serve: ${line}\n`)))) {
    await client.close().catch(() => undefined);
    return 1;
  }
  const code = await new Promise<number>((resolvePromise) => {
    const unsubscribe = (deps.onSignal ?? processSignals)((signal) => {
      unsubscribe();
      human.write(`${signal}: shutting down\n`);
      resolvePromise(0);
    });
  });
  await client.close().catch(() => undefined);
  return code;
}
