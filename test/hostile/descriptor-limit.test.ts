// A `cpm-ft receive` process started with a low descriptor limit (`ulimit -n`) and offered more
// m-lines than it has descriptors: by default the file budget derived from that limit refuses the
// offer with 503 and a Warning; with the budget raised past it, the descriptors really run out
// (the receiver connects for every actpass m-line), which is logged, ends the session with a
// reason and leaks no socket. Either way a normal transfer afterwards is served.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import { parseWarningTexts } from '../../runtime/sip/syntax/warning-header.ts';
import { stopChild, trackChild } from '../helpers/child-process-registry.ts';
import { newSid, rawOfferer, sha1Selector } from '../limits/raw-offerer.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

const bin = cliEntry().bin;
// Low, yet enough for node to load the sources through tsx (64 is not: the loader opens many at once).
const NOFILE = 128;
const MLINES = 150;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface LowLimitReceiver {
  readonly uri: string;
  readonly inbox: string;
  /** The JSON log events printed so far. */
  events(): Array<Record<string, unknown>>;
}

async function lowLimitReceiver(extra: readonly string[]): Promise<LowLimitReceiver> {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-nofile-'));
  const args = ['receive', '--sip', '127.0.0.1:0', '--dir', inbox, '--log', 'json', '--max-mlines-per-session', '200', '--max-open-files-per-session', '200', ...extra];
  const child = trackChild(spawn('sh', ['-c', `ulimit -n ${NOFILE} && exec "$0" "$@"`, process.execPath, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }));
  cleanup.push(async () => { await stopChild(child); await rm(inbox, { recursive: true, force: true }); });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the receiver did not start:\n${err}`)), 60_000);
    child.stderr?.on('data', () => {
      const match = /listening on sip:127\.0\.0\.1:(\d+)/.exec(err);
      if (match !== null) { clearTimeout(timer); resolve(Number(match[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the receiver exited ${code}:\n${err}`)); });
  });
  return {
    uri: `sip:bob@127.0.0.1:${port}`,
    inbox,
    events: () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** An offer of `count` small pushed files, every m-line's a=path on `msrpPort`. */
function bigOffer(count: number, msrpPort: number, setup: 'active' | 'actpass'): string {
  const lines = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
  const hash = sha1Selector(Buffer.alloc(8));
  for (let i = 0; i < count; i++) {
    lines.push(`m=message ${msrpPort} TCP/MSRP *`, 'a=accept-types:*', `a=path:msrp://127.0.0.1:${msrpPort}/${newSid()};tcp`, `a=setup:${setup}`, 'a=sendonly',
      `a=file-selector:name:"f${i}" type:application/octet-stream size:8 hash:sha-1:${hash}`, `a=file-transfer-id:${randomBytes(9).toString('base64url')}`);
  }
  return [...lines, ''].join('\r\n');
}

/** A real transfer from a library client to the receiver: the file must arrive intact. */
async function normalTransfer(receiver: LowLimitReceiver): Promise<void> {
  const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-nofile-out-'));
  const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
  cleanup.push(async () => { await alice.close(); await rm(outbox, { recursive: true, force: true }); });
  const data = randomBytes(200_000);
  await writeFile(join(outbox, 'after.bin'), data);
  const summary = await alice.send({ kind: 'one-recipient', uri: receiver.uri }, [join(outbox, 'after.bin')]).done;
  expect(summary.files[0]?.failure).toBeUndefined();
  expect(summary.ok).toBe(true);
  expect((await readFile(join(receiver.inbox, 'after.bin'))).equals(data)).toBe(true);
}

describe('a receiver with fewer descriptors than offered m-lines', () => {
  it('by default refuses the offer with 503 and a Warning from the budget its descriptor limit gives, then serves a normal transfer', async () => {
    const bob = await lowLimitReceiver([]);
    const alice = await rawOfferer('sip:alice@127.0.0.1');
    cleanup.push(() => alice.close());
    const result = await alice.invite(bob.uri, bigOffer(MLINES, 9, 'active'));
    expect(result.response.status).toBe(503);
    // (128 - 48) / 2 = 40 files: two descriptors each, 48 kept for everything else.
    expect(parseWarningTexts(result.response.headers.getAll('Warning'))).toEqual(['this receiver holds 0 of at most 40 files; try again later']);
    expect(result.response.headers.get('Retry-After')).toBeDefined();
    expect(bob.events().find((e) => e['event'] === 'offer-refused')).toMatchObject({ status: 503, limit: 'maxOpenFiles' });
    await normalTransfer(bob);
  }, 120_000);

  it('with the budget raised past the limit, running out of descriptors is logged, the session ends with the reason, no socket leaks, and a normal transfer is served', async () => {
    const bob = await lowLimitReceiver(['--max-open-files', '1000']);
    // The sender's MSRP side: accepts every connection the receiver opens, reads and drops what
    // arrives, and answers nothing. It must read: a connection the receiver completed before the
    // session ended carries its binding SEND, and node reports the receiver's FIN ('end', then
    // 'close' as the server does not allow half-open sockets) only once the bytes in front of it
    // were consumed. A socket never read would count as open though the receiver closed it.
    const sockets = new Set<Socket>();
    let accepted = 0;
    const server: Server = createServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }));
    const msrpPort = (server.address() as { port: number }).port;
    const alice = await rawOfferer('sip:alice@127.0.0.1');
    cleanup.push(() => alice.close());

    const result = await alice.invite(bob.uri, bigOffer(MLINES, msrpPort, 'actpass'));
    // Answering allocates no descriptor: the INVITE is answered.
    expect(result.response.status).toBe(200);
    await expect.poll(() => bob.events().find((e) => e['event'] === 'descriptors-exhausted'), { timeout: 30_000 }).toMatchObject({ kind: 'file', message: expect.stringMatching(/EMFILE/) });
    await expect.poll(() => bob.events().find((e) => e['event'] === 'session-ended'), { timeout: 30_000 }).toMatchObject({ cause: 'msrp-connect-failed', reason: expect.stringMatching(/EMFILE/) });
    // Fewer connections than m-lines got through, and the receiver closed every one of them.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(MLINES);
    await expect.poll(() => sockets.size, { timeout: 30_000 }).toBe(0);
    expect((await readdir(bob.inbox)).filter((n) => n.endsWith('.part'))).toEqual([]);
    await normalTransfer(bob);
  }, 120_000);
});
