// `cpm-ft pull`: asks one peer for files by their RFC 5547 file-selectors and writes them into
// --dir, all in one session (the first by the INVITE, each further one by a re-INVITE). Exit 0 when
// every file arrived and matched its selector, 1 when the peer has no such file ("not found", its
// m-line answered with port 0) or a pull failed, 2 on usage errors.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatPullSelector } from '../../../runtime/index.ts';
import type { CpmClient } from '../../client-types.ts';
import { createJsonLog } from '../json-log.ts';
import { registerIfAsked, resolveNetworkOptions } from '../parse-network-options.ts';
import type { CliIo } from '../main.ts';
import { parsePullArgs, pullUsage } from '../parse-pull-args.ts';
import { loadClientFactory, type ClientFactory } from './send.ts';
import { safeLineWriter } from '../../safe-text.ts';

export function run(args: string[], io: CliIo): Promise<number> {
  return runPull(args, io);
}

export async function runPull(args: readonly string[], io: CliIo, deps: { readonly createClient?: ClientFactory } = {}): Promise<number> {
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
    io.stderr.write(`cpm-ft pull: cannot bind ${command.sip.host}:${command.sip.port}: ${(error as Error).message}\n`);
    return 1;
  }
  if (command.network !== undefined && !(await registerIfAsked(client, command.network, (line) => human.write(`${line}\n`), (line) => io.stderr.write(`cpm-ft pull: ${line}\n`)))) {
    await client.close().catch(() => undefined);
    return 1;
  }
  try {
    const results = await client.pullFiles({
      from: command.from,
      selectors: command.selectors,
      dir,
      ...(command.maxSize !== undefined ? { maxSize: command.maxSize } : {}),
      ...(command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {}),
    });
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
  }
}
