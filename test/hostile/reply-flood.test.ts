// A sender that floods 1-byte SEND chunks and never reads the 200s: the receiver (its own process,
// so its RSS is its own) stops reading once its unread replies pass the bound, its RSS stays flat,
// and when the peer still does not read it is dropped: the session ends, no temporary part stays.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { answeredPath, fileOffer, rawOfferer } from '../limits/raw-offerer.ts';
import { drainWithin } from '../helpers/drain-within.ts';

interface Status { rssBytes: number; openSessions: number; heldSessions: number; sipPort: number; msrpPort: number }

const receiverScript = fileURLToPath(new URL('../../bench/soak-receiver.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The soak's receiver process: a cpm-ft client receiving into `dir`, answering "status" with a JSON line. */
function startReceiver(dir: string): { child: ChildProcess; status: () => Promise<Status>; first: Promise<Status> } {
  const child = spawn(process.execPath, ['--expose-gc', '--import', import.meta.resolve('tsx'), receiverScript, dir, '60000', '60000', '8'], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else { child.once('exit', () => resolve()); child.kill('SIGKILL'); } }));
  const waiting: ((s: Status) => void)[] = [];
  const lines: Status[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const s = JSON.parse(line) as Status;
    const w = waiting.shift();
    if (w !== undefined) w(s); else lines.push(s);
  });
  const next = (): Promise<Status> => new Promise((resolve) => { const s = lines.shift(); if (s !== undefined) resolve(s); else waiting.push(resolve); });
  return { child, first: next(), status: () => { child.stdin!.write('status\n'); return next(); } };
}

describe('a peer that sends without reading its MSRP responses', () => {
  it('leaves the receiver RSS flat, is dropped, and its session ends with no part left', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cpm-ft-flood-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const inbox = join(root, 'inbox');
    const receiver = startReceiver(inbox);
    const { sipPort } = await receiver.first;
    const offerer = await rawOfferer('sip:flood@127.0.0.1');
    cleanups.push(() => offerer.close());
    // A 100 MB file announced; we are the active side, so our a=path needs no listener.
    const ourPath = `msrp://127.0.0.1:9/${randomBytes(8).toString('hex')};tcp`;
    const size = 100_000_000;
    const result = await offerer.invite(`sip:soak@127.0.0.1:${sipPort}`, fileOffer({ path: ourPath, setup: 'active', name: 'flood.bin', data: Buffer.alloc(0) }).replace('size:0', `size:${size}`));
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    const theirPath = answeredPath(result.response.body);
    const url = new URL(theirPath.replace(/^msrp:/, 'http:'));
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    cleanups.push(() => { socket.destroy(); });
    let closed = false;
    socket.on('error', () => {});
    socket.on('close', () => { closed = true; });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.pause(); // never read: every 200 stays with the receiver or in the kernel buffers

    // 1-byte chunks of one message, in batches of 400 SENDs per write. A relay hop of ~3.5 KB in
    // front of our URI in From-Path (only the last entry is checked against a=path) comes back as
    // the To-Path of every 200, so the replies outgrow the kernel's socket buffers (tens of MB on
    // loopback) within seconds: the receiver's own queue is what grows then.
    const hop = `msrp://relay.example:2855/${'r'.repeat(3500)};tcp`;
    let next = 1;
    const batch = (): Buffer => {
      const parts: string[] = [];
      for (let i = 0; i < 400; i++, next++) {
        parts.push(`MSRP t${next} SEND\r\nTo-Path: ${theirPath}\r\nFrom-Path: ${hop} ${ourPath}\r\nMessage-ID: flood\r\nByte-Range: ${next}-${next}/${size}\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n-------t${next}+\r\n`);
      }
      return Buffer.from(parts.join(''));
    };
    const started = Date.now();
    const samples: number[] = [];
    let flooding = true;
    // Most waits time out (the receiver stops reading): each must take its 'drain' listener along.
    let mostDrainListeners = 0;
    const flood = (async () => {
      while (flooding && !closed) {
        if (!socket.write(batch())) await drainWithin(socket, 200);
        mostDrainListeners = Math.max(mostDrainListeners, socket.listenerCount('drain'));
      }
    })();
    // RSS once a second, through the bound and the drop (10 s after reads stopped, by default).
    while (Date.now() - started < 25_000 && !closed) {
      await sleep(1000);
      samples.push((await receiver.status()).rssBytes);
    }
    flooding = false;
    await flood;
    console.log(`flood: ${next - 1} SENDs, closed ${closed}, RSS ${samples.map((s) => (s / 2 ** 20).toFixed(0)).join(" ")}`);
    const MiB = 2 ** 20;
    const baseline = samples[1] ?? samples[0] ?? 0;
    const peak = Math.max(...samples);
    // Without the bound each second of the flood queues megabytes of 200s (1.2 GB in 150 s).
    expect((peak - baseline) / MiB, `RSS samples (MiB): ${samples.map((s) => (s / MiB).toFixed(0)).join(' ')}`).toBeLessThan(15);
    expect(next, 'the flood reached the receiver').toBeGreaterThan(10_000);
    expect(mostDrainListeners, "'drain' listeners left on the flooding socket").toBe(0);
    // Dropped, not merely paused: the session ended and nothing of the file stays in the inbox.
    expect(closed, 'the receiver closed the connection').toBe(true);
    let open = await receiver.status();
    // The admission slot is given back when the session's end has run its course, a moment after it
    // stops counting as open: wait for both, as the soak does.
    for (let i = 0; i < 50 && (open.openSessions > 0 || open.heldSessions > 0); i++) { await sleep(100); open = await receiver.status(); }
    expect(open.openSessions).toBe(0);
    expect(open.heldSessions).toBe(0);
    const leftovers = (await readdir(inbox)).filter((n) => n.endsWith('.part'));
    expect(leftovers).toEqual([]);
  }, 60_000);
});
