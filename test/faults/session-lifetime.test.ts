// Nothing hangs, nothing leaks: a real `cpm-ft receive` process with small limits and short timers
// (one session per peer, three in total, 1 s set-up and idle times) meets peers that misbehave on
// loopback: a SIGKILLed sender, an a=path where nothing listens, a peer that never connects, one
// that drops its TCP connection mid-file, one that goes silent mid-file (half-open), one that never
// sends BYE. Each time the receiver ends the session itself, with BYE and an RFC 3326 Reason, and
// a real `cpm-ft send` from the same peer then succeeds: the slot was freed.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpmContactParams, createUdpTransport, createUserAgent, type SipRequest, type SipTransport, type UserAgent } from '../../runtime/index.ts';
import { killTrackedChildren, trackChild, waitForExit } from '../helpers/child-process-registry.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { writeTestFile } from '../e2e/transfer-harness.ts';
import { eventually } from './fault-checks.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

const bin = cliEntry().bin;
const env = { ...process.env, NO_COLOR: '1' };

let work: string;
let receiver: ChildProcess;
let out = '';
let sipPort = 0;
let transport: SipTransport;
let ua: UserAgent;
const byes: SipRequest[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cpm-ft-lifetime-'));
  receiver = trackChild(spawn(process.execPath, [
    bin, 'receive', '--sip', '127.0.0.1:0', '--dir', join(work, 'inbox'),
    '--max-sessions-per-peer', '1', '--max-sessions', '3', '--msrp-setup-timeout', '1s', '--idle-timeout', '1s',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  receiver.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  receiver.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  await eventually(() => /listening on sip:/.test(out), 'the receiver to listen', 20_000);
  sipPort = Number(/listening on sip:127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  // The misbehaving peer's SIP side: the same address of record as the good sends, so every
  // session counts against the same per-peer slot.
  transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  ua = createUserAgent({
    transports: [transport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams(),
    delegate: { onBye: (_dialog, request) => { byes.push(request); } },
  });
}, 30_000);

afterAll(async () => {
  ua?.close();
  await transport?.close();
  await killTrackedChildren();
  await rm(work, { recursive: true, force: true });
});

/** Lines of the receiver saying a session ended, so far. */
const endedLines = (): string[] => out.split('\n').filter((l) => /^session from .* ended/.test(l));

/** A real `cpm-ft send` of a small file from the same peer: must succeed. */
async function goodSend(): Promise<void> {
  const file = join(work, `good-${randomBytes(3).toString('hex')}.bin`);
  await writeTestFile(file, 64 * 1024);
  const child = trackChild(spawn(process.execPath, [bin, 'send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${sipPort}`, '--no-resume', file], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  let text = '';
  child.stdout?.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { text += d.toString(); });
  const exit = await waitForExit(child);
  expect({ exit, text }).toEqual({ exit: { code: 0, signal: null }, text: expect.stringContaining('sent ') });
}

interface RawOffer {
  readonly port: number;
  readonly sessionId: string;
  readonly setup: 'active' | 'actpass';
  readonly body: Buffer;
}

const sha1Colons = (data: Buffer): string => (createHash('sha1').update(data).digest('hex').toUpperCase().match(/../g) ?? []).join(':');

function offerSdp(o: RawOffer): string {
  return [
    'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=message ${o.port} TCP/MSRP *`, 'a=accept-types:*', `a=path:msrp://127.0.0.1:${o.port}/${o.sessionId};tcp`,
    `a=setup:${o.setup}`, 'a=sendonly',
    `a=file-selector:name:"raw.bin" type:application/octet-stream size:${o.body.length} hash:sha-1:${sha1Colons(o.body)}`,
    `a=file-transfer-id:${randomBytes(8).toString('hex')}`, '',
  ].join('\r\n');
}

/** INVITEs the receiver with our own SDP; resolves with its a=path once the 200 is ACKed. */
async function rawInvite(o: RawOffer): Promise<string> {
  const result = await ua.invite(`sip:bob@127.0.0.1:${sipPort}`, { body: offerSdp(o), contentType: 'application/sdp' });
  expect(result.kind).toBe('accepted');
  const path = /a=path:(\S+)/.exec(result.response.body.toString('utf8'))?.[1];
  expect(path).toBeDefined();
  return path as string;
}

/** A port where nothing listens (bound, noted, closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connects to the receiver's MSRP path and sends the first `sent` bytes of one SEND (no end-line). */
async function partialSend(path: string, o: RawOffer, sent: number, complete = false): Promise<Socket> {
  const target = /^msrp:\/\/([^:]+):(\d+)\//.exec(path);
  const socket = connect({ host: target?.[1] as string, port: Number(target?.[2]) });
  socket.on('error', () => {});
  socket.on('data', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const tid = randomBytes(6).toString('hex');
  const head = `MSRP ${tid} SEND\r\nTo-Path: ${path}\r\nFrom-Path: msrp://127.0.0.1:${o.port}/${o.sessionId};tcp\r\nMessage-ID: ${tid}\r\n`
    + `Byte-Range: 1-${o.body.length}/${o.body.length}\r\nContent-Type: application/octet-stream\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(head), o.body.subarray(0, sent), complete ? Buffer.from(`\r\n-------${tid}$\r\n`) : Buffer.alloc(0)]));
  return socket;
}

/** Waits for the receiver's BYE number `n` (1-based) and returns its Reason header. */
async function byeReason(n: number): Promise<string> {
  await eventually(() => byes.length >= n, `BYE #${n} from the receiver`, 15_000);
  return byes[n - 1]?.headers.get('Reason') ?? '';
}

describe('the receiver ends dead sessions itself and frees their slots', () => {
  it('an INVITE whose a=path points at a dead port: BYE with Reason 503 at once, then a good send', async () => {
    const before = byes.length;
    await rawInvite({ port: await deadPort(), sessionId: 'dead1', setup: 'actpass', body: Buffer.alloc(1000, 1) });
    expect(await byeReason(before + 1)).toMatch(/^SIP ;cause=503 ;text="cannot connect to the sender's MSRP path: .*ECONNREFUSED/);
    await eventually(() => endedLines().length >= 1, 'the session-end line', 10_000);
    await goodSend();
    countWhenPassed('faults', 1);
  }, 60_000);

  it('more dead INVITEs than --max-sessions, from five peers at once, then a good send', async () => {
    // Five other peers (their own From), so the per-peer limit does not hide the total one.
    const peers = await Promise.all([0, 1, 2, 3, 4].map(async (i) => {
      const t = await createUdpTransport({ host: '127.0.0.1', port: 0 });
      const got: SipRequest[] = [];
      const peer = createUserAgent({ transports: [t], localUri: `sip:mallory${i}@127.0.0.1`, contactParams: cpmContactParams(), delegate: { onBye: (_d, r) => { got.push(r); } } });
      return { t, peer, got };
    }));
    try {
      const results = await Promise.all(peers.map(async ({ peer }, i) => peer.invite(`sip:bob@127.0.0.1:${sipPort}`, {
        body: offerSdp({ port: await deadPort(), sessionId: `dead-many-${i}`, setup: 'actpass', body: Buffer.alloc(1000, 2) }), contentType: 'application/sdp',
      })));
      const accepted = results.filter((r) => r.kind === 'accepted').length;
      // Beyond --max-sessions 3 the receiver answers 503 (the rest were taken and then freed).
      for (const r of results) if (r.kind === 'rejected') expect(r.response.status).toBe(503);
      expect(accepted).toBeGreaterThanOrEqual(3);
      await eventually(() => peers.reduce((n, p) => n + p.got.length, 0) >= accepted, 'a BYE for every accepted dead INVITE', 15_000);
      for (const p of peers) for (const bye of p.got) expect(bye.headers.get('Reason')).toMatch(/cause=503/);
      await goodSend();
    } finally {
      for (const p of peers) { p.peer.close(); await p.t.close(); }
    }
    countWhenPassed('faults', 1);
  }, 60_000);

  it('a peer that never opens its MSRP connection: BYE 408 after the set-up time', async () => {
    const before = byes.length;
    await rawInvite({ port: await deadPort(), sessionId: 'never', setup: 'active', body: Buffer.alloc(1000, 3) });
    expect(await byeReason(before + 1)).toMatch(/^SIP ;cause=408 ;text="no MSRP connection within 1000 ms after the ACK"/);
    await goodSend();
    countWhenPassed('faults', 1);
  }, 60_000);

  it('dropped TCP mid-file: BYE 503 at once, then a good send', async () => {
    const before = byes.length;
    const o: RawOffer = { port: await deadPort(), sessionId: 'drop', setup: 'active', body: randomBytes(100_000) };
    const path = await rawInvite(o);
    const socket = await partialSend(path, o, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    socket.resetAndDestroy();
    expect(await byeReason(before + 1)).toMatch(/^SIP ;cause=503 ;text="the MSRP connection closed before raw\.bin was complete/);
    await goodSend();
    countWhenPassed('faults', 1);
  }, 60_000);

  it('half-open: the peer goes silent mid-file with its connection open: BYE 408 after the idle time', async () => {
    const before = byes.length;
    const o: RawOffer = { port: await deadPort(), sessionId: 'silent', setup: 'active', body: randomBytes(100_000) };
    const path = await rawInvite(o);
    const socket = await partialSend(path, o, 10_000);
    try {
      expect(await byeReason(before + 1)).toMatch(/^SIP ;cause=408 ;text="no MSRP data for 1000 ms while a file was open"/);
      await goodSend();
    } finally {
      socket.destroy();
    }
    countWhenPassed('faults', 1);
  }, 60_000);

  it('a peer that sends the whole file and then never sends BYE: BYE 200 after the idle time', async () => {
    const before = byes.length;
    const o: RawOffer = { port: await deadPort(), sessionId: 'nobye', setup: 'active', body: randomBytes(5000) };
    const path = await rawInvite(o);
    const socket = await partialSend(path, o, 5000, true);
    try {
      expect(await byeReason(before + 1)).toMatch(/^SIP ;cause=200 ;text="session idle for 1000 ms after the last file"/);
      expect(out).toContain('received raw.bin 5000 bytes');
      await goodSend();
    } finally {
      socket.destroy();
    }
    countWhenPassed('faults', 1);
  }, 60_000);

  it('a sender process SIGKILLed mid-file: the session is ended and the next send succeeds', async () => {
    const file = join(work, 'big.bin');
    await writeTestFile(file, 256 * 1024 * 1024);
    const ended = endedLines().length;
    const child = trackChild(spawn(process.execPath, [bin, 'send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${sipPort}`, '--no-resume', '--chunk-size', '4k', file], { stdio: ['ignore', 'pipe', 'pipe'], env }));
    child.stderr?.on('data', () => {});
    let text = '';
    child.stdout?.on('data', (d: Buffer) => { text += d.toString(); });
    await eventually(() => /sending big\.bin/.test(text), 'the sender to start', 20_000);
    // The receiver's temporary file exists from the answer on; let some data flow first.
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    expect(await waitForExit(child)).toEqual({ code: null, signal: 'SIGKILL' });
    await eventually(() => endedLines().length > ended, 'the receiver to end the killed session', 10_000);
    expect(endedLines().at(-1)).toMatch(/ended \(0 files\)/);
    await goodSend();
    await rm(file, { force: true });
    countWhenPassed('faults', 1);
  }, 90_000);

  it('the receiver printed every cause and is still serving', async () => {
    expect(receiver.exitCode).toBeNull();
    await writeFile(join(work, 'receiver-output.txt'), out);
    expect(out).not.toMatch(/internal-error|Error:/);
  });
});
