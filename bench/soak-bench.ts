// `cpm-ft bench --soak`: one receiver process against a bounded mix of good sends, SIGKILLed
// senders, dead INVITEs (a=path where nothing listens) and garbage to its SIP and MSRP ports.
// Prints sessions completed, failures by cause, and the receiver's RSS and open sessions at the
// start and the end: the open sessions must come back to where they started (nothing leaked), and
// the receiver's RSS may not grow by more than a bound over the run's second half (soak-memory.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpmContactParams, createUdpTransport, createUserAgent } from '../runtime/index.ts';
import { writeRandomFile } from './baseline.ts';
import { siblingScript } from './sibling-script.ts';
import { DEFAULT_SOAK_RSS_GROWTH_PERCENT, judgeRssGrowth, type RssSample, type RssVerdict } from './soak-memory.ts';

export interface SoakOptions {
  readonly seconds: number;
  /** The receiver's RSS may grow at most this many percent over the run's second half (default 10). */
  readonly rssGrowthPercent?: number;
  /**
   * Write V8 heap snapshots of the receiver into this directory: `mid.heapsnapshot` at the run's
   * middle and `end.heapsnapshot` after its last sessions ended. Writing one grows the receiver's
   * RSS, so such a run's memory is not judged.
   */
  readonly heapSnapshotDir?: string;
  /** Progress lines (one every ~10 s). */
  readonly onStage?: (line: string) => void;
}

export interface ReceiverStatus {
  /** The receiver ran a full collection just before it measured. */
  readonly afterGc: boolean;
  readonly rssBytes: number;
  /** V8's live heap after a forced collection, and the heap V8 has reserved for it. */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Memory of Buffers and other objects outside V8's heap. */
  readonly externalBytes: number;
  /** The part of heapTotal V8 reserves for its young generation. */
  readonly newSpaceBytes: number;
  readonly openSessions: number;
  readonly heldSessions: number;
}

export interface SoakResult {
  readonly seconds: number;
  readonly completed: number;
  /** Every action that did not end the way it should, by cause; empty on a clean run. */
  readonly failures: Readonly<Record<string, number>>;
  /** How many of each fault were injected. */
  readonly injected: Readonly<Record<string, number>>;
  readonly start: ReceiverStatus;
  readonly end: ReceiverStatus;
  /** The open sessions and held slots came back to the start. */
  readonly leaked: boolean;
  /** The receiver's RSS over the second half of the run against the bound. */
  readonly memory: RssVerdict;
  /** The receiver's memory through the run, one sample every twentieth of it (in the JSON output). */
  readonly samples: readonly RssSample[];
}

// From the sources (tsx) or from dist/ (`npm run bench`, plain node): the scripts next to this one.
const fromSources = import.meta.url.endsWith('.ts');
const bin = fileURLToPath(new URL(fromSources ? '../bin/cpm-ft.js' : '../src/cli/bin.js', import.meta.url));
const receiverScript = siblingScript('./soak-receiver', import.meta.url);

class SoakReceiver {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;
  constructor(dir: string) {
    // Set-up 2 s (dead INVITEs end quickly), idle 10 s: a 2 s idle time ended good sends whose
    // data stalled for 2 s on a loaded machine (7 of 424 in a 30-minute run).
    this.#child = spawn(process.execPath, ['--expose-gc', ...receiverScript.execArgv, receiverScript.path, dir, '2000', '10000', '64'], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.#child.stdout! }).on('line', (line) => { this.#lines.push(line); this.#wake?.(); });
  }
  async next(): Promise<ReceiverStatus & { sipPort: number; msrpPort: number }> {
    while (this.#lines.length === 0) await new Promise<void>((resolve) => { this.#wake = resolve; });
    return JSON.parse(this.#lines.shift() as string) as ReceiverStatus & { sipPort: number; msrpPort: number };
  }
  status(): Promise<ReceiverStatus & { sipPort: number; msrpPort: number }> {
    this.#child.stdin?.write('status\n');
    return this.next();
  }
  /** Writes a heap snapshot of the receiver to `path`, then answers as status() does. */
  snapshot(path: string): Promise<ReceiverStatus & { sipPort: number; msrpPort: number }> {
    this.#child.stdin?.write(`snapshot ${path}\n`);
    return this.next();
  }
  async stop(): Promise<void> {
    this.#child.stdin?.end();
    await new Promise((resolve) => this.#child.once('exit', resolve));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function runSend(args: readonly string[], killAfterMs?: number): Promise<{ code: number | null; text: string }> {
  const child = spawn(process.execPath, [bin, 'send', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { text += d.toString(); });
  if (killAfterMs !== undefined) {
    // Killed once it has started sending, so the receiver holds a half-received file.
    const started = setInterval(() => { if (/sending /.test(text)) { clearInterval(started); setTimeout(() => child.kill('SIGKILL'), killAfterMs); } }, 20);
    child.once('exit', () => clearInterval(started));
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, text })));
}

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ZEROS_SHA1 = (createHash('sha1').update(Buffer.alloc(1000)).digest('hex').toUpperCase().match(/../g) ?? []).join(':');

function deadOffer(port: number): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:*',
    `a=path:msrp://127.0.0.1:${port}/${randomBytes(6).toString('hex')};tcp`, 'a=setup:actpass', 'a=sendonly',
    `a=file-selector:name:"dead.bin" type:application/octet-stream size:1000 hash:sha-1:${ZEROS_SHA1}`, `a=file-transfer-id:${randomBytes(8).toString('hex')}`, ''].join('\r\n');
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const root = await mkdtemp(join(tmpdir(), 'cpm-ft-soak-'));
  const receiver = new SoakReceiver(join(root, 'inbox'));
  const first = await receiver.next();
  const small = join(root, 'small.bin');
  const big = join(root, 'big.bin');
  await writeRandomFile(small, 256 * 1024);
  await writeRandomFile(big, 64 * 1024 * 1024);
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:mallory@127.0.0.1', contactParams: cpmContactParams() });
  const udp = createSocket('udp4');
  const failures: Record<string, number> = {};
  const injected: Record<string, number> = {};
  const fail = (cause: string): void => { failures[cause] = (failures[cause] ?? 0) + 1; };
  const inject = (kind: string): void => { injected[kind] = (injected[kind] ?? 0) + 1; };
  let completed = 0;
  const target = `sip:bob@127.0.0.1:${first.sipPort}`;
  const start = await receiver.status();
  const deadline = Date.now() + options.seconds * 1000;

  const actions: Array<() => Promise<void>> = [
    async () => {
      inject('good send');
      const r = await runSend(['--from', `sip:alice${randomBytes(2).toString('hex')}@127.0.0.1`, '--to', target, '--no-resume', small]);
      if (r.code === 0) completed += 1;
      else fail(`good send exited ${r.code}: ${r.text.trim().split('\n').at(-1) ?? ''}`);
    },
    async () => {
      inject('SIGKILLed sender');
      const r = await runSend(['--from', 'sip:killed@127.0.0.1', '--to', target, '--no-resume', '--chunk-size', '4k', big], 300);
      if (r.code === 0) fail('a sender to be killed finished first');
    },
    async () => {
      inject('dead INVITE');
      const result = await ua.invite(target, { body: deadOffer(await deadPort()), contentType: 'application/sdp' }).catch(() => undefined);
      if (result === undefined) fail('dead INVITE: no final response');
      else if (result.kind !== 'accepted' && result.response.status !== 503 && result.response.status !== 486) fail(`dead INVITE answered ${result.response.status}`);
    },
    async () => {
      inject('garbage');
      udp.send(randomBytes(200 + Math.floor(Math.random() * 1000)), first.sipPort, '127.0.0.1');
      udp.send(Buffer.from('INVITE sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n'), first.sipPort, '127.0.0.1');
      const socket = connect({ host: '127.0.0.1', port: first.msrpPort });
      socket.on('error', () => {});
      socket.on('connect', () => { socket.write(Buffer.concat([Buffer.from('MSRP abc SEND\r\nTo-Path: msrp://nowhere\r\n'), randomBytes(500)])); setTimeout(() => socket.destroy(), 100); });
      await sleep(150);
    },
  ];
  // A fixed cycle (4 good sends, 3 dead INVITEs, 2 garbage bursts, 1 killed sender in every 10),
  // so a short run meets every kind of fault too, and runs are comparable.
  const cycle = [0, 2, 3, 0, 1, 2, 0, 3, 2, 0];
  let turn = 0;
  const pick = (): (() => Promise<void>) => actions[cycle[turn++ % cycle.length] as number] as () => Promise<void>;
  const startedAt = Date.now();
  const samples: RssSample[] = [];
  // The only caller of receiver.status() while the workers run: one sample every twentieth of the
  // run (1 to 10 s apart), a progress line about every 10 s.
  const sampleEveryMs = Math.min(10_000, Math.max(1000, (options.seconds * 1000) / 20));
  let lastReport = Date.now();
  const snapshotDir = options.heapSnapshotDir;
  let midSnapshot = false;
  const sampler = async (): Promise<void> => {
    while (Date.now() < deadline) {
      await sleep(Math.min(sampleEveryMs, Math.max(0, deadline - Date.now())));
      const takeMid = snapshotDir !== undefined && !midSnapshot && Date.now() - startedAt >= options.seconds * 500;
      const s = takeMid ? await receiver.snapshot(join(snapshotDir, 'mid.heapsnapshot')) : await receiver.status();
      midSnapshot ||= takeMid;
      samples.push({ atMs: Date.now() - startedAt, rssBytes: s.rssBytes, heapUsedBytes: s.heapUsedBytes, heapTotalBytes: s.heapTotalBytes, externalBytes: s.externalBytes, newSpaceBytes: s.newSpaceBytes, afterGc: s.afterGc });
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        options.onStage?.(`soak: ${Math.max(0, Math.round((deadline - Date.now()) / 1000))} s left, ${completed} completed, receiver ${(s.rssBytes / 2 ** 20).toFixed(1)} MiB RSS (live heap ${(s.heapUsedBytes / 2 ** 20).toFixed(1)} of ${(s.heapTotalBytes / 2 ** 20).toFixed(1)} MiB, external ${(s.externalBytes / 2 ** 20).toFixed(1)} MiB), ${s.openSessions} open`);
      }
    }
  };
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      await pick()().catch((error: unknown) => fail(`harness: ${String(error)}`));
    }
  };
  await Promise.all([worker(), worker(), worker(), sampler()]);
  // Sessions of the last faults end by the receiver's own timers (set-up 2 s, idle 10 s here):
  // wait for them.
  let end = await receiver.status();
  for (let i = 0; i < 75 && (end.openSessions > start.openSessions || end.heldSessions > start.heldSessions); i++) {
    await sleep(200);
    end = await receiver.status();
  }
  if (snapshotDir !== undefined) await receiver.snapshot(join(snapshotDir, 'end.heapsnapshot'));
  ua.close();
  await transport.close();
  udp.close();
  await receiver.stop();
  await rm(root, { recursive: true, force: true });
  const memory = judgeRssGrowth(samples.length > 0 ? samples : [{ atMs: 0, rssBytes: end.rssBytes }], options.seconds * 1000, options.rssGrowthPercent ?? DEFAULT_SOAK_RSS_GROWTH_PERCENT);
  const pick3 = (s: ReceiverStatus): ReceiverStatus => ({ afterGc: s.afterGc, rssBytes: s.rssBytes, heapUsedBytes: s.heapUsedBytes, heapTotalBytes: s.heapTotalBytes, externalBytes: s.externalBytes, newSpaceBytes: s.newSpaceBytes, openSessions: s.openSessions, heldSessions: s.heldSessions });
  return {
    seconds: options.seconds, completed, failures, injected, start: pick3(start), end: pick3(end),
    leaked: end.openSessions !== start.openSessions || end.heldSessions !== start.heldSessions,
    samples,
    memory: snapshotDir === undefined ? memory : { ...memory, judged: false, notJudged: 'heap snapshots were written during the run', ok: true },
  };
}

export function formatSoak(r: SoakResult): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const verdict = !r.memory.judged ? `; memory: not judged, ${r.memory.notJudged ?? ''}` : `, bound ${r.memory.boundPercent} %${r.memory.ok ? '' : '  GREW'}`;
  const lines = [
    `soak: ${r.seconds} s against one receiver`,
    `  injected: ${Object.entries(r.injected).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  sessions completed: ${r.completed}`,
    `  failures: ${Object.keys(r.failures).length === 0 ? 'none' : Object.entries(r.failures).map(([k, v]) => `${k} (${v})`).join('; ')}`,
    `  receiver RSS: start ${mib(r.start.rssBytes)}, end ${mib(r.end.rssBytes)}`,
    `  receiver live heap (after a collection): start ${mib(r.start.heapUsedBytes)} of ${mib(r.start.heapTotalBytes)}, end ${mib(r.end.heapUsedBytes)} of ${mib(r.end.heapTotalBytes)}; external start ${mib(r.start.externalBytes)}, end ${mib(r.end.externalBytes)}`,
    `  receiver RSS over the second half: ${mib(r.memory.midRssBytes)} -> ${mib(r.memory.endRssBytes)} (${(r.memory.growth * 100).toFixed(1)} %, ${r.memory.samples} samples)${verdict}`,
    `  receiver open sessions: start ${r.start.openSessions}, end ${r.end.openSessions}; slots held: start ${r.start.heldSessions}, end ${r.end.heldSessions}${r.leaked ? '  LEAKED' : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
