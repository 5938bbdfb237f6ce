// A sender whose MSRP Byte-Range disagrees with the size its SDP offered (RFC 5547 file-selector
// size): bytes past the offer, a total `*` that runs past it, a total that names another size.
// Each is refused with 400 (RFC 4975 §10: what arrived is not what was announced), the log says
// why (not "the sender aborted"), no temporary part stays behind and no file is published.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { LogEvent } from '../../src/client-types.ts';
import { answeredPath, fileOffer, newSid, rawOfferer } from '../limits/raw-offerer.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Collects MSRP response statuses by transaction id. */
function responses(socket: Socket): Map<string, number> {
  const seen = new Map<string, number>();
  let text = '';
  socket.on('data', (data: Buffer) => {
    text += data.toString('latin1');
    for (const m of text.matchAll(/MSRP (\S+) (\d{3})[^\r]*\r\n/g)) if (m[1] !== undefined) seen.set(m[1], Number(m[2]));
  });
  return seen;
}

async function receiverAndConnection(offeredSize: number) {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-range-'));
  cleanup.push(() => rm(inbox, { recursive: true, force: true }));
  const events: LogEvent[] = [];
  const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, log: (e) => { events.push(e); } });
  cleanup.push(() => bob.close());
  bob.receive({ dir: inbox, setup: 'passive' } as Parameters<typeof bob.receive>[0]);
  const alice = await rawOfferer('sip:alice@127.0.0.1');
  cleanup.push(() => alice.close());
  const sid = newSid();
  const fromPath = `msrp://127.0.0.1:9/${sid};tcp`;
  const offered = randomBytes(offeredSize);
  const result = await alice.invite(`sip:bob@127.0.0.1:${bob.sipAddress.port}`, fileOffer({ path: fromPath, setup: 'actpass', name: 'offered.bin', data: offered }));
  if (result.kind !== 'accepted') throw new Error(`INVITE answered ${result.response.status}`);
  const toPath = answeredPath(result.response.body);
  const target = new URL(toPath.replace(/^msrp:/, 'http:'));
  const socket = connect({ host: target.hostname, port: Number(target.port) });
  socket.on('error', () => {});
  cleanup.push(async () => { socket.destroy(); });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const statuses = responses(socket);
  const messageId = randomBytes(8).toString('hex');
  const send = (tid: string, range: string, body: Buffer, flag: '$' | '+'): void => {
    const head = [`MSRP ${tid} SEND`, `To-Path: ${toPath}`, `From-Path: ${fromPath}`, `Message-ID: ${messageId}`, `Byte-Range: ${range}`, 'Content-Type: application/octet-stream', '', ''].join('\r\n');
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(`\r\n-------${tid}${flag}\r\n`, 'latin1')]));
  };
  const failure = async (): Promise<string> => {
    await expect.poll(() => events.some((e) => e.kind === 'file' && e.event === 'failed'), { timeout: 5000 }).toBe(true);
    const event = events.find((e) => e.kind === 'file' && e.event === 'failed') as { reason?: unknown };
    return String(event.reason);
  };
  // Nothing published and no temporary part left (the part is removed once the line failed).
  const inboxIsEmpty = async (): Promise<void> => {
    await expect.poll(async () => (await readdir(inbox)).length, { timeout: 5000 }).toBe(0);
    expect(events.some((e) => e.kind === 'file' && e.event === 'received')).toBe(false);
  };
  return { send, statuses, failure, inboxIsEmpty, offered, inbox };
}

describe('MSRP byte ranges checked against the offered file size', () => {
  it('Byte-Range 1-100/* on a 10-byte offer: 400, logged as a range past the offered size', async () => {
    const peer = await receiverAndConnection(10);
    peer.send('t1', '1-100/*', randomBytes(100), '$');
    await expect.poll(() => peer.statuses.get('t1'), { timeout: 5000 }).toBe(400);
    expect(await peer.failure()).toMatch(/past the offered size of 10 bytes/);
    await peer.inboxIsEmpty();
  });

  it('a total that contradicts the offer (1-20/20 on a 10-byte offer): 400 at once, before any byte is stored', async () => {
    const peer = await receiverAndConnection(10);
    peer.send('t1', '1-5/20', randomBytes(5), '+');
    await expect.poll(() => peer.statuses.get('t1'), { timeout: 5000 }).toBe(400);
    expect(await peer.failure()).toMatch(/total of 20 bytes .*offered size of 10 bytes/);
    await peer.inboxIsEmpty();
  });

  it('total `*` within the offer, then a chunk running past it: the first is 200, the second 400', async () => {
    const peer = await receiverAndConnection(10);
    peer.send('t1', '1-5/*', randomBytes(5), '+');
    await expect.poll(() => peer.statuses.get('t1'), { timeout: 5000 }).toBe(200);
    peer.send('t2', '6-15/*', randomBytes(10), '$');
    await expect.poll(() => peer.statuses.get('t2'), { timeout: 5000 }).toBe(400);
    expect(await peer.failure()).toMatch(/past the offered size of 10 bytes/);
    await peer.inboxIsEmpty();
  });

  it('a later chunk naming another total than the first: 400, logged as our refusal', async () => {
    const peer = await receiverAndConnection(10);
    peer.send('t1', '1-5/10', randomBytes(5), '+');
    await expect.poll(() => peer.statuses.get('t1'), { timeout: 5000 }).toBe(200);
    peer.send('t2', '6-10/20', randomBytes(5), '+');
    await expect.poll(() => peer.statuses.get('t2'), { timeout: 5000 }).toBe(400);
    expect(await peer.failure()).toBe('refused the file: 400 Byte-Range total 20 differs from the earlier 10');
    await peer.inboxIsEmpty();
  });

  it('the disjoint-ranges cap: 413, logged as our refusal rather than as the sender aborting', async () => {
    const peer = await receiverAndConnection(4000);
    for (let i = 0; i < 1025; i++) peer.send(`g${i}`, `${1 + 2 * i}-${1 + 2 * i}/4000`, Buffer.from('x'), '+');
    await expect.poll(() => peer.statuses.get('g1024'), { timeout: 10_000 }).toBe(413);
    expect(await peer.failure()).toBe('refused the file: 413 too many disjoint byte ranges');
    await peer.inboxIsEmpty();
  });

  it('total `*` with exactly the offered bytes is still accepted and the file published', async () => {
    const peer = await receiverAndConnection(10);
    peer.send('t1', '1-5/*', peer.offered.subarray(0, 5), '+');
    peer.send('t2', '6-10/*', peer.offered.subarray(5), '$');
    await expect.poll(() => peer.statuses.get('t2'), { timeout: 5000 }).toBe(200);
    expect(peer.statuses.get('t1')).toBe(200);
    expect(await readFile(join(peer.inbox, 'offered.bin'))).toEqual(peer.offered);
  });
});
