// `cpm-ft demo`: the whole stack in one process. A receiver (temp dir, port 0) and a sender (port 0)
// run on loopback; a file of random bytes is sent and both ends' SHA-1 are computed independently of
// the library (from the bytes on disk) and compared. Temp files are removed whatever happens.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CpmClient } from '../../client-types.ts';
import { demoUsage, parseDemoArgs } from '../parse-demo-args.ts';
import { createProgressView } from '../progress/create-progress-view.ts';
import type { ProgressStream, ProgressView } from '../progress/progress-view.ts';
import type { CliIo } from '../main.ts';
import { describeFailure, loadClientFactory, type ClientFactory } from './send.ts';
import { formatListenUri } from './receive.ts';

export interface DemoDeps {
  readonly createClient?: ClientFactory;
  readonly progressView?: (out: ProgressStream) => ProgressView;
  /** How long to wait for the receiver's file after the sender is done (ms). */
  readonly receiveTimeoutMs?: number;
}

export function run(args: string[], io: CliIo): Promise<number> {
  return runDemo(args, io);
}

/** SHA-1 as RFC 4572 hex pairs (AB:CD:...), the form the hash selector of RFC 5547 uses. */
export function formatSha1(digest: Buffer): string {
  return [...digest].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return formatSha1(hash.digest());
}

/** Writes `size` random bytes in 1 MiB pieces (memory stays flat) and returns their SHA-1. */
async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha1');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const piece = randomBytes(Math.min(1024 * 1024, size - written));
      hash.update(piece);
      await handle.write(piece);
      written += piece.length;
    }
  } finally {
    await handle.close();
  }
  return formatSha1(hash.digest());
}

export async function runDemo(args: readonly string[], io: CliIo, deps: DemoDeps = {}): Promise<number> {
  const parsed = parseDemoArgs(args);
  if (!parsed.ok) {
    io.stderr.write(`cpm-ft demo: ${parsed.error}\n(try 'cpm-ft demo --help')\n`);
    return 2;
  }
  const { size, transport, help } = parsed.value;
  if (help) {
    io.stdout.write(demoUsage);
    return 0;
  }
  const out = io.stdout as ProgressStream & NodeJS.WritableStream;
  const root = await mkdtemp(join(tmpdir(), 'cpm-ft-demo-'));
  const clients: CpmClient[] = [];
  try {
    const sourceDir = join(root, 'outbox');
    const receiveDir = join(root, 'inbox');
    await mkdir(sourceDir);
    await mkdir(receiveDir);
    const source = join(sourceDir, 'demo.bin');
    const senderHash = await writeRandomFile(source, size);

    const createClient = deps.createClient ?? (await loadClientFactory());
    const receiver = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport } });
    clients.push(receiver);
    const received = new Promise<{ path: string } | { reason: string }>((resolvePromise) => {
      receiver.on('file-received', (file) => resolvePromise({ path: file.path }));
      receiver.on('file-failed', (file) => resolvePromise({ reason: file.reason }));
    });
    receiver.receive({ dir: receiveDir });
    out.write(`receiver listening on ${formatListenUri(receiver.sipAddress)}, writing to ${receiveDir}\n`);

    const sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport } });
    clients.push(sender);
    // RFC 3261 §19.1.1: without a transport parameter a sip: URI means UDP, so name TCP explicitly.
    const to = `sip:bob@127.0.0.1:${receiver.sipAddress.port}${transport === 'udp' ? '' : `;transport=${transport}`}`;
    out.write(`sender ${formatListenUri(sender.sipAddress)} sending demo.bin (${size} bytes) to ${to}\n`);

    const view = (deps.progressView ?? ((stream) => createProgressView(stream, io.env)))(out);
    view.start('demo.bin', size);
    const transfer = sender.send({ kind: 'one-recipient', uri: to }, [source]);
    transfer.on('progress', ({ sent, total }) => view.update('demo.bin', sent, total));
    transfer.on('file-complete', (result) => view.done('demo.bin', result.hash));
    transfer.on('file-failed', (result) => view.failed('demo.bin', describeFailure(result.failure)));
    const summary = await transfer.done;
    view.finish();
    if (!summary.ok) {
      const reasons = summary.files.filter((file) => !file.ok).map((file) => (file.failure === undefined ? file.name : describeFailure(file.failure)));
      io.stderr.write(`file transfer failed: ${reasons.join('; ') || 'session failed'}\n`);
      return 1;
    }

    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      received,
      new Promise<{ reason: string }>((resolvePromise) => {
        timer = setTimeout(() => resolvePromise({ reason: 'the receiver reported no file' }), deps.receiveTimeoutMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    if ('reason' in outcome) {
      io.stderr.write(`file transfer failed: ${outcome.reason}\n`);
      return 1;
    }
    const receiverHash = await sha1OfFile(outcome.path);
    const identical = receiverHash === senderHash;
    out.write(`sender sha-1 ${senderHash}\nreceiver sha-1 ${receiverHash}\nidentical: ${identical ? 'yes' : 'no'}\n`);
    return identical ? 0 : 1;
  } catch (error) {
    io.stderr.write(`cpm-ft demo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await rm(root, { recursive: true, force: true });
  }
}
