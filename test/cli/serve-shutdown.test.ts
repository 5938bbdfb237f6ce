// `cpm-ft serve` names on shutdown the files it was sending, and exits 143/130 when there were any,
// 0 when idle. A request that is found but never served (the puller cancels its INVITE while the
// file is looked up) must not count as one in flight: it would be named "interrupted" and turn a
// clean shutdown into 143. The INVITE and its CANCEL reach the server in one read, before its
// lookup of the file finishes, so the request is cancelled every time.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import { runServe } from '../../src/cli/commands/serve.ts';
import type { SignalName } from '../../src/cli/commands/send.ts';
import { memoryIo } from './helpers/memory-io.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-serve-shutdown-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeSignals(): { onSignal: (handler: (signal: SignalName) => void) => () => void; raise: (signal: SignalName) => void } {
  const handlers = new Set<(signal: SignalName) => void>();
  return {
    onSignal: (handler) => { handlers.add(handler); return () => handlers.delete(handler); },
    raise: (signal) => { for (const handler of handlers) handler(signal); },
  };
}

/** Starts `runServe` on a folder holding a.txt; resolves once it listens, with its SIP/UDP port. */
async function startServe(name: string) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.txt'), 'hello');
  const io = memoryIo(root);
  const signals = fakeSignals();
  const exits: number[] = [];
  const done = runServe(['--sip', '127.0.0.1:0', '--dir', dir], io, { createClient, onSignal: signals.onSignal, exit: (code) => exits.push(code) });
  await expect.poll(() => /on sip:127\.0\.0\.1:(\d+)/.exec(io.stdout.text)?.[1], { timeout: 10_000 }).toBeDefined();
  const port = Number(/on sip:127\.0\.0\.1:(\d+)/.exec(io.stdout.text)?.[1]);
  return { io, signals, exits, done, port };
}

function pullOffer(selector: string): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=message 9 TCP/MSRP *', 'a=accept-types:*',
    'a=path:msrp://127.0.0.1:9/pullsession;tcp', 'a=setup:active', 'a=recvonly', `a=file-selector:${selector}`, 'a=file-transfer-id:pull-1', ''].join('\r\n');
}

/** A pull INVITE and its CANCEL written back to back; resolves with the INVITE's final status. */
async function inviteAndCancel(port: number): Promise<number> {
  const socket: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const branch = 'z9hG4bK-serve-cancel-1';
  const common = [`Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`, 'Max-Forwards: 70', 'From: <sip:puller@127.0.0.1>;tag=p1', `To: <sip:cpm-ft@127.0.0.1:${port}>`, 'Call-ID: serve-cancel-1@127.0.0.1'];
  const body = pullOffer('name:"a.txt"');
  const invite = [`INVITE sip:cpm-ft@127.0.0.1:${port} SIP/2.0`, ...common, 'CSeq: 1 INVITE', `Contact: <sip:puller@127.0.0.1:${local}>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
  const cancel = [`CANCEL sip:cpm-ft@127.0.0.1:${port} SIP/2.0`, ...common, 'CSeq: 1 CANCEL', 'Content-Length: 0', '', ''].join('\r\n');
  const final = new Promise<{ status: number; to: string }>((resolve) => {
    socket.on('message', (message: Buffer) => {
      const text = message.toString();
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
      if (/^CSeq: 1 INVITE/mi.test(text) && status >= 200) resolve({ status, to: /^To: (.*)$/mi.exec(text)?.[1]?.trim() ?? '' });
    });
  });
  socket.send(invite, port, '127.0.0.1');
  socket.send(cancel, port, '127.0.0.1');
  const { status, to } = await final;
  // RFC 3261 §17.1.1.3: the non-2xx final response is acknowledged within the INVITE transaction.
  const ack = [`ACK sip:cpm-ft@127.0.0.1:${port} SIP/2.0`, common[0], common[1], common[2], `To: ${to}`, common[4], 'CSeq: 1 ACK', 'Content-Length: 0', '', ''].join('\r\n');
  await new Promise<void>((resolve) => socket.send(ack, port, '127.0.0.1', () => resolve()));
  socket.close();
  return status;
}

describe('cpm-ft serve on SIGTERM', () => {
  it('idle: exits 0, naming nothing interrupted', async () => {
    const serve = await startServe('idle');
    serve.signals.raise('SIGTERM');
    expect(await serve.done).toBe(0);
    expect(serve.io.stdout.text).toMatch(/^SIGTERM: shutting down$/m);
    expect(serve.io.stderr.text).toBe('');
    expect(serve.exits).toEqual([]);
  }, 30_000);

  it('a request cancelled while its file was looked up is reported not served and not counted: exits 0', async () => {
    const serve = await startServe('cancelled');
    expect(await inviteAndCancel(serve.port)).toBe(487);
    await expect.poll(() => serve.io.stdout.text, { timeout: 10_000 }).toMatch(/^(not served|serving) "name:\\"a\.txt\\""/m);
    expect(serve.io.stdout.text).toMatch(/^not served "name:\\"a\.txt\\"": "the puller cancelled the request"$/m);
    serve.signals.raise('SIGTERM');
    expect(await serve.done).toBe(0);
    expect(serve.io.stderr.text).not.toMatch(/interrupted/);
  }, 30_000);
});
