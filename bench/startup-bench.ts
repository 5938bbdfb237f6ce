// (g) Start-up and idle memory of the CLI and the client, each against a bare `node -e 0` measured in
// the same run: `cpm-ft --version`, a whole 1-byte send (process start to exit, SIP INVITE, MSRP, BYE)
// to a receiver in another process, and the peak RSS of a client process that only created its
// client. The CLI measured is the build the bench runs from: dist/src/cli/bin.js with plain node under
// `npm run bench`, or bin/cpm-ft.js (the sources through tsx) when the bench runs from the sources.
// Medians of several runs; figures only, nothing asserts on time.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchProcess } from './bench-process.ts';

const fromSources = import.meta.url.endsWith('.ts');
const cliEntry = fileURLToPath(new URL(fromSources ? '../bin/cpm-ft.js' : '../src/cli/bin.js', import.meta.url));
const idleClientScript = fileURLToPath(new URL(fromSources ? './idle-client.ts' : './idle-client.js', import.meta.url));

export interface StartupBenchOptions {
  /** Scratch folder (the 1-byte file and the receiver's inbox go there). */
  readonly dir: string;
  /** Timed runs of each command; the median is reported. */
  readonly runs: number;
  /** One untimed run of each command first (page cache, module files); off for the quick smoke run. */
  readonly warmUp: boolean;
}

export interface StartupBenchResult {
  /** Which CLI was timed: the built one (plain node) or the sources through tsx. */
  readonly entry: 'dist' | 'sources';
  readonly runs: number;
  readonly nodeMs: number;
  readonly versionMs: number;
  readonly sendMs: number;
  readonly versionRatio: number;
  readonly sendRatio: number;
  /** VmHWM of a process that imported the library (the bundled entry under dist/), created a client and did nothing else. */
  readonly clientIdleRssBytes: number;
  readonly ok: boolean;
  readonly failure?: string;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Wall time of one process from spawn to exit; rejects when it exits non-zero. */
function timeProcess(args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (error, _stdout, stderr) => {
      if (error !== null) reject(new Error(`${args.join(' ')}: ${error.message.split('\n')[0]} ${stderr.trim().split('\n').at(-1) ?? ''}`));
      else resolve(performance.now() - started);
    });
  });
}

/** Peak RSS of idle-client.ts in a process of its own (the median of three, as RSS varies a little). */
async function idleClientRss(): Promise<number> {
  const once = (): Promise<number> => new Promise((resolve, reject) => {
    const args = [...(fromSources ? ['--import', import.meta.resolve('tsx')] : []), idleClientScript];
    execFile(process.execPath, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`idle client: ${error.message.split('\n')[0]} ${stderr.trim()}`));
      else resolve((JSON.parse(stdout) as { peakRssBytes: number }).peakRssBytes);
    });
  });
  return median([await once(), await once(), await once()]);
}

async function timeRuns(runs: number, warmUp: boolean, args: readonly string[]): Promise<number> {
  if (warmUp) await timeProcess(args);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeProcess(args));
  return median(times);
}

export async function runStartupBench(options: StartupBenchOptions): Promise<StartupBenchResult> {
  const entry = fromSources ? 'sources' : 'dist';
  const receiver = new BenchProcess('startup-receiver');
  try {
    const clientIdleRssBytes = await idleClientRss();

    const nodeMs = await timeRuns(options.runs, options.warmUp, ['-e', '0']);
    const versionMs = await timeRuns(options.runs, options.warmUp, [cliEntry, '--version']);

    const file = join(options.dir, 'one-byte.bin');
    await writeFile(file, Buffer.from([0x2a]));
    const { sipPort } = await receiver.request({ cmd: 'start-receiver', dir: options.dir, transport: 'udp' }, 'ready');
    const send = [cliEntry, 'send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${sipPort}`, '--no-resume', file];
    const sendMs = await timeRuns(options.runs, options.warmUp, send);
    const { received } = await receiver.request({ cmd: 'stats' }, 'stats');
    const sends = options.runs + (options.warmUp ? 1 : 0);
    const ok = received === sends;
    return {
      entry, runs: options.runs, nodeMs, versionMs, sendMs, versionRatio: versionMs / nodeMs, sendRatio: sendMs / nodeMs, clientIdleRssBytes, ok,
      ...(ok ? {} : { failure: `the receiver got ${received} of ${sends} one-byte files` }),
    };
  } finally {
    await receiver.stop();
  }
}
