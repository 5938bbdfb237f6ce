// Every wait ends: an INVITE answered only provisionally (100 Trying or 180 Ringing, then nothing)
// is CANCELled after inviteTimeoutMs and the send fails with a timeout that says so, whether the
// peer then answers the CANCEL (487) or stays silent (given up 64*T1 after the CANCEL).
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { CpmClient } from '../../src/client-types.ts';

let peer: Socket | undefined;
let client: CpmClient | undefined;
let dir: string | undefined;

afterEach(async () => {
  await client?.close();
  peer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  client = undefined;
  peer = undefined;
  dir = undefined;
});

/** The request's Via, From, To, Call-ID and CSeq copied into a response (RFC 3261 §8.2.6.2). */
function responseTo(request: string, status: string): string {
  const pick = (name: string): string[] => request.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return [`SIP/2.0 ${status}`, ...pick('Via'), ...pick('From'), ...pick('To').map((t) => (t.includes('tag=') ? t : `${t};tag=p1`)), ...pick('Call-ID'), ...pick('CSeq'), 'Content-Length: 0', '', ''].join('\r\n');
}

/** A UDP peer that answers INVITE with `provisional` only, and CANCEL with 200 (+ 487) unless `silent`. */
async function provisionalPeer(provisional: string, silent: boolean): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const socket = createSocket('udp4');
  peer = socket;
  let invite = '';
  socket.on('message', (data, from) => {
    const text = data.toString('latin1');
    const method = text.slice(0, text.indexOf(' '));
    seen.push(method);
    const reply = (s: string): void => { socket.send(s, from.port, from.address); };
    if (method === 'INVITE') { invite = text; reply(responseTo(text, provisional)); }
    if (method === 'CANCEL' && !silent) { reply(responseTo(text, '200 OK')); reply(responseTo(invite, '487 Request Terminated')); }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, seen };
}

async function sendOne(port: number, inviteTimeoutMs: number): Promise<{ summary: Awaited<ReturnType<CpmClient['send']>['done']>; elapsed: number }> {
  dir = await mkdtemp(join(tmpdir(), 'cpmft-provisional-'));
  const file = join(dir, 'a.txt');
  await writeFile(file, 'hello');
  client = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, sipTimers: { T1: 20 }, inviteTimeoutMs });
  const started = Date.now();
  const summary = await client.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${port}` }, [file]).done;
  return { summary, elapsed: Date.now() - started };
}

describe('an INVITE answered only provisionally', () => {
  it('180 Ringing and then nothing: CANCELled after inviteTimeoutMs, the file fails with a timeout naming the wait', async () => {
    const p = await provisionalPeer('180 Ringing', false);
    const { summary, elapsed } = await sendOne(p.port, 1500);
    expect(summary.ok).toBe(false);
    const failure = summary.files[0]?.failure;
    expect(failure?.source).toBe('timeout');
    expect(failure?.message).toMatch(/180 Ringing and then no final response within 1.5 s; cancelled/);
    expect(p.seen).toContain('CANCEL');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);

  it('100 Trying and a peer that ignores the CANCEL too: given up 64*T1 after the CANCEL', async () => {
    const p = await provisionalPeer('100 Trying', true);
    const { summary, elapsed } = await sendOne(p.port, 1000);
    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure?.source).toBe('timeout');
    expect(summary.files[0]?.failure?.message).toMatch(/100 Trying and then no final response/);
    expect(p.seen.filter((m) => m === 'CANCEL').length).toBeGreaterThanOrEqual(1);
    // 1 s of waiting, then 64*T1 = 1.28 s after the CANCEL.
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);
});
