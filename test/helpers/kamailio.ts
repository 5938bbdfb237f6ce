// Runs kamailio in the foreground (-DD -E) on loopback with one of the configs in test/interop/kamailio.
// Run dir, working dir and pid file live in a temp dir, so nothing needs root-only paths; the process is
// registered for afterEach cleanup and stopped with SIGTERM (kamailio's main process reaps its children).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpmError } from '../../runtime/errors.ts';
import { trackChild, stopChild } from './child-process-registry.ts';
import { freePortBoth, freePort, waitForPort, type PortTransport } from './wait-for-port.ts';
import { peerCommand } from './system-peer-lookup.ts';

export const KAMAILIO_CONFIG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'interop', 'kamailio');

export interface KamailioOptions {
  /** File name in test/interop/kamailio, or an absolute path. */
  readonly config: string;
  /** Transports to listen on; the same port is used for all. */
  readonly transports: readonly PortTransport[];
  readonly port?: number;
  /** `-A NAME=VALUE` pre-processor defines; string values are quoted for you. */
  readonly defines?: Readonly<Record<string, string | number>>;
  readonly readyTimeoutMs?: number;
  /** Also listen for SIP over TLS on this port (needs the tls module and a config that loads it). */
  readonly tlsPort?: number;
}

export interface KamailioRun {
  readonly port: number;
  /** stderr so far (kamailio logs there with -E). */
  log(): string;
  stop(): Promise<void>;
}

export async function startKamailio(options: KamailioOptions): Promise<KamailioRun> {
  // A port found free may be taken by another process before kamailio binds it (other test files run
  // at the same time): when we chose the port, choose again.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (options.transports.length > 1 ? await freePortBoth() : await freePort(options.transports[0] ?? 'udp'));
    try {
      return await startKamailioOn(options, port);
    } catch (error) {
      const taken = error instanceof CpmError && /Address already in use/.test(error.message);
      if (!taken || options.port !== undefined || options.tlsPort !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startKamailioOn(options: KamailioOptions, port: number): Promise<KamailioRun> {
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-kamailio-'));
  const config = isAbsolute(options.config) ? options.config : join(KAMAILIO_CONFIG_DIR, options.config);
  const defines = Object.entries(options.defines ?? {}).flatMap(([k, v]) => ['-A', typeof v === 'number' ? `${k}=${v}` : `${k}="${v}"`]);
  const args = [
    '-DD', '-E',
    '-f', config,
    '-Y', dir, '-w', dir, '-P', join(dir, 'kamailio.pid'),
    '-m', '32', '-M', '8',
    '-a', 'no',
    ...options.transports.flatMap((t) => ['-l', `${t}:127.0.0.1:${port}`]),
    ...(options.tlsPort === undefined ? [] : ['-l', `tls:127.0.0.1:${options.tlsPort}`]),
    ...defines,
  ];
  const child = trackChild(spawn(peerCommand('kamailio'), args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    await stopChild(child, 'SIGTERM', 3000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const transport of options.transports) await waitForPort(port, transport, options.readyTimeoutMs ?? 5000, alive);
    if (options.tlsPort !== undefined) await waitForPort(options.tlsPort, 'tcp', options.readyTimeoutMs ?? 5000, alive);
  } catch (error) {
    await stop();
    throw new CpmError('ERR_TEST_KAMAILIO', `kamailio did not start: ${(error as Error).message}\n${stderr.slice(-2000)}`, { cause: error });
  }
  return { port, log: () => stderr, stop };
}
