// Clause 7.6.1 step 6 on the wire, judged by tshark: a transfer cancelled mid-file (the CLI's first
// Ctrl-C, or a library application's AbortSignal) ends the MSRP message with a '#' chunk, sends no
// chunk of it after that, and only then the SIP BYE; the receiver keeps no file under its name (and,
// with keepPartials, a hidden part to resume from). Over TCP and over TLS (decrypted with the
// sender's TLS key log). The receiver is a real library client; the sender a separate process.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, expect, it } from 'vitest';
import { createClient, inspectClient, type ReceiveExtraOptions } from '../../src/client.ts';
import type { CpmClient, ReceiveOptions } from '../../src/client-types.ts';
import { killTrackedChildren, trackChild, waitForExit } from '../helpers/child-process-registry.ts';
import { MsrpStreamSplitter, type MsrpMessageSummary } from '../helpers/msrp-stream-splitter.ts';
import { describeWithPeers, peerCommand } from '../helpers/system-peers.ts';
import { startCapture } from '../helpers/tshark-capture.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

const execFileAsync = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cancel-wire-'));
const bin = cliEntry().bin;
const fixture = join(import.meta.dirname, 'fixtures/cancel-send.ts');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A sparse-free file of `size` bytes, written in 1 MiB blocks (large enough that the cancel comes mid-file). */
async function bigFile(dir: string, size: number): Promise<string> {
  const path = join(dir, 'big.bin');
  const handle = await open(path, 'w');
  const block = Buffer.alloc(1024 * 1024, 0x5a);
  for (let written = 0; written < size; written += block.length) await handle.write(block, 0, Math.min(block.length, size - written));
  await handle.close();
  return path;
}

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'c.pem');
  const key = join(dir, 'k.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

interface WireEvent {
  readonly frame: number;
  readonly what: 'msrp' | 'bye';
  readonly fromSender: boolean;
  readonly msrp?: MsrpMessageSummary;
}

/**
 * The capture as an ordered list of MSRP messages (split from each direction's byte stream) and SIP
 * BYE requests, by frame. TLS streams are decrypted with `keylog` and their plaintext read.
 */
async function wireEvents(file: string, ports: { sip: number; msrp: number }, keylog: string | undefined): Promise<WireEvent[]> {
  const tls = keylog === undefined
    ? ['-d', `tcp.port==${ports.sip},sip`]
    : ['-o', `tls.keylog_file:${keylog}`, '-d', `tcp.port==${ports.sip},tls`, '-d', `tls.port==${ports.sip},sip`, '-d', `tcp.port==${ports.msrp},tls`];
  const field = keylog === undefined ? 'tcp.payload' : 'data.data';
  const { stdout } = await execFileAsync(peerCommand('tshark'), ['-r', file, '-n', ...tls, '-Y', 'tcp.len > 0 && !tcp.analysis.retransmission', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,',
    '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'sip.Method', '-e', field], { maxBuffer: 1024 * 1024 * 1024 });
  const splitters = new Map<string, MsrpStreamSplitter>();
  const events: WireEvent[] = [];
  for (const line of stdout.split('\n')) {
    const [frame, stream, src, dst, methods, hex] = line.split('\t');
    // tshark's SIP dissector (decrypted first over TLS) names each request of the segment.
    if (Number(dst) === ports.sip) {
      for (const method of (methods ?? '').split(',')) if (method === 'BYE') events.push({ frame: Number(frame), what: 'bye', fromSender: true });
      continue;
    }
    if (hex === undefined || hex === '') continue;
    const bytes = Buffer.from(hex.replace(/[:,]/g, ''), 'hex');
    const key = `${stream}:${src}`;
    if (Number(src) === ports.msrp || Number(dst) === ports.msrp) {
      let splitter = splitters.get(key);
      if (splitter === undefined) { splitter = new MsrpStreamSplitter(); splitters.set(key, splitter); }
      for (const msrp of splitter.push(bytes)) events.push({ frame: Number(frame), what: 'msrp', fromSender: Number(dst) === ports.msrp, msrp });
    }
  }
  return events.sort((a, b) => a.frame - b.frame);
}

/** What the spec's rule 7.6.1-6 asks to see: one '#', nothing of the message after it, then the BYE. */
function expectInterruptThenBye(events: readonly WireEvent[]): void {
  const sends = events.filter((e) => e.what === 'msrp' && e.fromSender && e.msrp?.kind === 'request' && e.msrp.method === 'SEND');
  const hashes = sends.filter((e) => e.msrp?.flag === '#');
  expect(hashes, 'exactly one SEND chunk ends with #').toHaveLength(1);
  const hash = hashes[0] as WireEvent;
  const messageId = (m: MsrpMessageSummary | undefined): string | undefined => m?.headers.find(([n]) => n.toLowerCase() === 'message-id')?.[1];
  const ofMessage = sends.filter((e) => messageId(e.msrp) === messageId(hash.msrp));
  // That the cancel came mid-message is shown by the receiver: the cancel is sent only after its
  // first progress event (cancelledRun). The capture is not asked to show those bytes: on a fast
  // machine one run in several showed neither a '+' chunk nor a body in the '#' chunk although the
  // receiver had data, so the capture is not complete enough to judge them.
  expect(ofMessage.filter((e) => e.frame > hash.frame), "no chunk of the message after its '#'").toEqual([]);
  expect(ofMessage.some((e) => e.msrp?.flag === '$'), "the message never ended with '$'").toBe(false);
  const byes = events.filter((e) => e.what === 'bye');
  expect(byes.length, 'one BYE').toBe(1);
  expect((byes[0] as WireEvent).frame, "the BYE comes after the '#' chunk").toBeGreaterThan(hash.frame);
}

interface Receiver {
  readonly client: CpmClient;
  readonly inbox: string;
  readonly uri: string;
  readonly ports: { sip: number; msrp: number };
  /** Resolves on the first bytes of the file. */
  readonly firstData: Promise<void>;
}

async function startReceiver(transport: 'tcp' | 'tls', pki: { cert: string; key: string } | undefined, keepPartials: boolean): Promise<Receiver> {
  const inbox = mkdtempSync(join(root, 'inbox-'));
  const { readFileSync } = await import('node:fs');
  const tls = pki === undefined ? {} : { tls: { cert: readFileSync(pki.cert), key: readFileSync(pki.key), ca: readFileSync(pki.cert) } };
  const client = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport }, ...tls });
  cleanups.push(() => client.close());
  // Passive: the sender connects to our MSRP port, so capturing our two ports sees the whole session.
  const receive: ReceiveOptions & ReceiveExtraOptions = { dir: inbox, keepPartials, setup: 'passive' };
  client.receive(receive);
  const firstData = new Promise<void>((resolve) => client.once('progress', () => resolve()));
  const msrp = inspectClient(client)?.endpoint.port ?? 0;
  return { client, inbox, uri: `sip:bob@127.0.0.1:${client.sipAddress.port};transport=${transport}`, ports: { sip: client.sipAddress.port, msrp }, firstData };
}

/** Runs the sender process under a capture, cancels it once the receiver has data, returns what it printed and the wire. */
async function cancelledRun(transport: 'tcp' | 'tls', from: 'cli' | 'library', keepPartials: boolean) {
  const dir = mkdtempSync(join(root, `${from}-${transport}-`));
  const pki = transport === 'tls' ? selfSigned(dir) : undefined;
  const receiver = await startReceiver(transport, pki, keepPartials);
  const file = await bigFile(dir, 256 * 1024 * 1024);
  const keylog = transport === 'tls' ? join(dir, 'keys.log') : undefined;
  const capture = await startCapture({ ports: [receiver.ports.sip, receiver.ports.msrp] });
  cleanups.push(() => capture.dispose());
  const tlsArgs = pki === undefined ? [] : ['--tls-cert', pki.cert, '--tls-key', pki.key, '--tls-ca', pki.cert];
  const env = { ...process.env, NO_COLOR: '1', ...(keylog === undefined ? {} : { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --tls-keylog=${keylog}`.trim() }) };
  const child = trackChild(from === 'cli'
    ? spawn(process.execPath, [bin, 'send', '--transport', transport, ...tlsArgs, '--from', 'sip:alice@127.0.0.1', '--to', receiver.uri, file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    // From the repository, where `--import tsx` resolves.
    : spawn(process.execPath, ['--import', 'tsx', fixture, transport, receiver.uri, file, ...(pki === undefined ? [] : [pki.cert, pki.key, pki.cert])], { cwd: join(import.meta.dirname, '../..'), env, stdio: ['pipe', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = waitForExit(child);
  // A sender that fails before sending anything must fail the test, not hang it.
  await Promise.race([receiver.firstData, exited.then(() => { throw new Error(`the sender exited before any data: ${err}`); })]);
  if (from === 'cli') child.kill('SIGINT');
  else child.stdin?.write('cancel\n');
  const { code } = await exited;
  await capture.stop();
  const events = await wireEvents(capture.file, receiver.ports, keylog);
  return { code, out, err, events, inbox: receiver.inbox };
}

describeWithPeers(['tshark'], "a cancelled transfer on the wire: '#' before BYE (clause 7.6.1 step 6)", () => {
  for (const transport of ['tcp', 'tls'] as const) {
    it(`the CLI's first Ctrl-C over ${transport}`, { timeout: 180_000 }, async () => {
      const run = await cancelledRun(transport, 'cli', transport === 'tls');
      expect(run.code, run.err).toBe(130);
      expect(run.err).toContain('file transfer failed: interrupted by SIGINT: big.bin cancelled');
      expectInterruptThenBye(run.events);
      const kept = readdirSync(run.inbox);
      expect(kept).not.toContain('big.bin');
      // --keep-partials (TLS case): the received part stays, hidden, for a resend to resume from.
      if (transport === 'tls') expect(kept.some((name) => name.startsWith('.') && name.endsWith('.part'))).toBe(true);
      else expect(kept).toEqual([]);
    });

    it(`a library application's AbortSignal over ${transport}`, { timeout: 180_000 }, async () => {
      const run = await cancelledRun(transport, 'library', false);
      expect(run.code, run.err).toBe(0);
      const summary = JSON.parse(run.out.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; files: Array<{ name: string; failure?: { source: string; code: string; message: string } }> };
      expect(summary.ok).toBe(false);
      expect(summary.files[0]?.failure).toMatchObject({ source: 'cancelled', code: 'ERR_TRANSFER_CANCELLED', message: 'transfer cancelled: the application cancelled' });
      expectInterruptThenBye(run.events);
      expect(readdirSync(run.inbox)).toEqual([]);
    });
  }
});
