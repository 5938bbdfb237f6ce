// An INVITE over UDP that nobody answers. A closed port is reported by the system (ICMP port
// unreachable) and fails the send at once with a typed error naming the address; a socket that
// reads and never answers gets a note after a few seconds (library event and CLI line), and then
// the transaction's own 408 at Timer B.

import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSend } from '../../src/cli/commands/send.ts';
import { createClient } from '../../src/client.ts';
import type { ClientOptions, CpmClient, LogEvent } from '../../src/client-types.ts';
import { memoryIo } from '../cli/helpers/memory-io.ts';

/** A bound UDP socket that counts what it reads and never answers. */
async function silentPeer(): Promise<{ socket: Socket; port: number; received: string[] }> {
  const socket = createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (m) => received.push(m.toString('utf8').split('\r\n')[0] ?? ''));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, received };
}

/** A loopback UDP port with nothing bound to it (bound once, then closed). */
async function closedPort(): Promise<number> {
  const { socket, port } = await silentPeer();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('an INVITE over UDP that nothing answers', () => {
  let dir = '';
  let file = '';
  let client: CpmClient | undefined;
  let peer: Socket | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cpm-ft-silent-'));
    file = join(dir, 'notes.txt');
    await writeFile(file, 'hello');
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    if (peer !== undefined) await new Promise<void>((resolve) => peer?.close(() => resolve()));
    peer = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('fails at once with ERR_SIP_PORT_UNREACHABLE when the system reports the port closed', async () => {
    const port = await closedPort();
    // Default timers (Timer B 32 s) and a note far away: only the ICMP verdict can end this early.
    client = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, noAnswerNoticeMs: 60_000 });
    const transfer = client.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${port}` }, [file]);
    const notes: unknown[] = [];
    transfer.on('no-answer', (n) => notes.push(n));
    const summary = await transfer.done;
    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure).toMatchObject({
      code: 'ERR_SIP_PORT_UNREACHABLE',
      message: `nothing listens on 127.0.0.1:${port} over UDP (the host answered ICMP port unreachable)`,
    });
    expect(notes).toEqual([]);
  }, 20_000);

  it('the CLI names the closed address', async () => {
    const port = await closedPort();
    const io = memoryIo(dir);
    const code = await runSend(['--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${port}`, '--no-resume', 'notes.txt'], io);
    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`file transfer failed: notes.txt: connection: nothing listens on 127.0.0.1:${port} over UDP`);
  }, 20_000);

  it('notes a peer that reads and never answers, then fails with the 408 of Timer B', async () => {
    const silent = await silentPeer();
    peer = silent.socket;
    const log: LogEvent[] = [];
    // T1 100 ms: Timer B is 6.4 s; the note comes after 300 ms.
    client = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, sipTimers: { T1: 100 }, noAnswerNoticeMs: 300, log: (e) => log.push(e) });
    const transfer = client.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${silent.port}` }, [file]);
    const order: string[] = [];
    const notes: { target: string; transport: string; address: string; waitedMs: number; giveUpAfterMs: number }[] = [];
    transfer.on('no-answer', (n) => { notes.push(n); order.push('no-answer'); });
    transfer.on('file-failed', () => order.push('file-failed'));
    const summary = await transfer.done;
    expect(notes).toEqual([{ target: `sip:bob@127.0.0.1:${silent.port}`, transport: 'UDP', address: `127.0.0.1:${silent.port}`, waitedMs: 300, giveUpAfterMs: 6400 }]);
    expect(order).toEqual(['no-answer', 'file-failed']);
    expect(summary.files[0]?.failure).toMatchObject({ source: 'timeout', status: 408, code: 'ERR_SIP_TRANSACTION_TIMEOUT' });
    expect(log.some((e) => e['event'] === 'no-answer' && e['address'] === `127.0.0.1:${silent.port}`)).toBe(true);
    // The peer really got the INVITE (and its retransmissions): it was silent, not unreachable.
    expect(silent.received.filter((l) => l.startsWith('INVITE ')).length).toBeGreaterThan(1);
  }, 20_000);

  it('the CLI prints the note with the address and transport, then the timeout', async () => {
    const silent = await silentPeer();
    peer = silent.socket;
    const io = memoryIo(dir);
    const fast = async (options: ClientOptions): Promise<CpmClient> => createClient({ ...options, sipTimers: { T1: 100 } });
    const code = await runSend(['--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${silent.port}`, '--no-answer-note', '0.3', '--no-resume', 'notes.txt'], io, { createClient: fast });
    expect(code).toBe(1);
    const lines = io.stderr.text.split('\n');
    const note = lines.findIndex((l) => l === `cpm-ft send: note: nothing has answered the INVITE to sip:bob@127.0.0.1:${silent.port} at 127.0.0.1:${silent.port} over UDP after 0.3 s; still trying until 6.4 s (is the receiver running, and on UDP?)`);
    const failed = lines.findIndex((l) => l.startsWith('file transfer failed: notes.txt: timeout 408'));
    expect(note, io.stderr.text).toBeGreaterThanOrEqual(0);
    expect(failed, io.stderr.text).toBeGreaterThan(note);
  }, 20_000);
});
