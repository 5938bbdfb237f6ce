// Socket-level abuse of a real MSRP endpoint (runtime/msrp MsrpEndpoint listening on 127.0.0.1:0):
// a bad start line, a SEND for an unknown session (481), a Byte-Range beyond its total (400), a
// 1 MB header line (400 then close), a message over the session's max size (413), an unknown
// method (501); afterwards a valid exchange on a new connection still works.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMsrpUri, MsrpEndpoint, MsrpParser, type MsrpHead, type MsrpSession } from '../../runtime/msrp/index.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { waitFor } from '../helpers/fuzz-raw-peers.ts';

const PEER = 'msrp://127.0.0.1:9/hostilepeer;tcp';
let before: HandleSnapshot;
let endpoint: MsrpEndpoint;

beforeAll(async () => {
  before = await snapshotHandles();
  endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await endpoint.close();
  await assertNoLeakedHandles(before, 2000);
});

/** A raw TCP peer that parses what the endpoint sends back. */
class RawMsrpPeer {
  readonly heads: MsrpHead[] = [];
  closed = false;
  readonly #parser = new MsrpParser({ head: (h) => this.heads.push(h), body: () => {}, end: () => {} });
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => { this.#parser.feed(d); });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => {});
  }

  static async open(): Promise<RawMsrpPeer> {
    const socket = connect({ host: '127.0.0.1', port: endpoint.port });
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    return new RawMsrpPeer(socket);
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** The response to transaction `tid`, or undefined after the timeout. */
  response(tid: string, timeoutMs = 2000): Promise<MsrpHead | undefined> {
    return waitFor(() => this.heads.find((h) => h.kind === 'response' && h.transactionId === tid), timeoutMs);
  }

  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    return (await waitFor(() => (this.closed ? true : undefined), timeoutMs)) ?? false;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => { this.socket.once('close', () => resolve()); this.socket.destroy(); });
  }
}

const statusOf = (h: MsrpHead | undefined): number | undefined => (h?.kind === 'response' ? h.status : undefined);

interface Received { data: Buffer[]; ended: string | undefined }

/** A session accepting every message into memory, refusing those over `maxMessageSize`. */
function newSession(maxMessageSize = 1024): { session: MsrpSession; to: string; received: Received } {
  const received: Received = { data: [], ended: undefined };
  const session = endpoint.createSession({
    maxMessageSize,
    delegate: { onMessageStart: () => ({ write: (_at, d) => { received.data.push(Buffer.from(d)); }, end: (flag) => { received.ended = flag; } }) },
  });
  return { session, to: formatMsrpUri(session.localUri), received };
}

function send(tid: string, to: string, options: { method?: string; extra?: string[]; body?: string; range?: string } = {}): string {
  const lines = [`MSRP ${tid} ${options.method ?? 'SEND'}`, `To-Path: ${to}`, `From-Path: ${PEER}`, 'Message-ID: m1', ...(options.extra ?? [])];
  if (options.body === undefined) return `${lines.join('\r\n')}\r\n-------${tid}$\r\n`;
  lines.push(`Byte-Range: ${options.range ?? `1-${Buffer.byteLength(options.body)}/${Buffer.byteLength(options.body)}`}`, 'Content-Type: text/plain', '');
  return `${lines.join('\r\n')}\r\n${options.body}\r\n-------${tid}$\r\n`;
}

/** A normal exchange on a fresh connection and session: 200 and the bytes delivered. */
async function expectValidExchange(): Promise<void> {
  const { session, to, received } = newSession();
  const peer = await RawMsrpPeer.open();
  try {
    await peer.write(send('okbind', to));
    expect(statusOf(await peer.response('okbind'))).toBe(200);
    await peer.write(send('okdata', to, { body: 'hello' }));
    expect(statusOf(await peer.response('okdata'))).toBe(200);
    expect(await waitFor(() => received.ended)).toBe('$');
    expect(Buffer.concat(received.data).toString()).toBe('hello');
  } finally {
    await peer.close();
    session.close();
  }
}

describe('MSRP endpoint under abuse', () => {
  it('a valid exchange works (baseline)', async () => {
    await expectValidExchange();
  });

  it('a bad start line: no transaction to answer, the connection is closed', async () => {
    const peer = await RawMsrpPeer.open();
    try {
      await peer.write('HELLO msrp world\r\nTo-Path: x\r\n\r\n');
      expect(await peer.waitClosed()).toBe(true);
      expect(peer.heads).toEqual([]);
    } finally {
      await peer.close();
    }
    await expectValidExchange();
  });

  it('a SEND for an unknown session gets 481 and the connection stays usable', async () => {
    const peer = await RawMsrpPeer.open();
    try {
      await peer.write(send('u1', 'msrp://127.0.0.1:1/nosuchsession;tcp', { body: 'data' }));
      expect(statusOf(await peer.response('u1'))).toBe(481);
      await peer.write(send('u2', `msrp://127.0.0.1:${endpoint.port}/alsomissing;tcp`));
      expect(statusOf(await peer.response('u2'))).toBe(481);
      expect(peer.closed).toBe(false);
    } finally {
      await peer.close();
    }
    await expectValidExchange();
  });

  it('a Byte-Range beyond the declared total gets 400 and no byte is delivered', async () => {
    const { session, to, received } = newSession();
    const peer = await RawMsrpPeer.open();
    try {
      await peer.write(send('br1', to, { body: 'abcdefghij', range: '1-10/5' }));
      expect(statusOf(await peer.response('br1'))).toBe(400);
      expect(received.data).toEqual([]);
    } finally {
      await peer.close();
      session.close();
    }
    await expectValidExchange();
  });

  it('a 1 MB header line gets 400 (the paths were read) and the connection is closed', async () => {
    const { session, to } = newSession();
    const peer = await RawMsrpPeer.open();
    try {
      const head = `MSRP big1 SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${PEER}\r\nX-Big: `;
      await peer.write(head);
      await peer.write(Buffer.alloc(1024 * 1024, 0x61));
      expect(statusOf(await peer.response('big1'))).toBe(400);
      expect(await peer.waitClosed()).toBe(true);
    } finally {
      await peer.close();
      session.close();
    }
    await expectValidExchange();
  });

  it('a message over the session max size gets 413, declared or discovered while streaming', async () => {
    const { session, to, received } = newSession(1024);
    const peer = await RawMsrpPeer.open();
    try {
      // Declared: the total in Byte-Range is over the limit.
      await peer.write(send('big2', to, { body: 'x'.repeat(2000) }));
      expect(statusOf(await peer.response('big2'))).toBe(413);
      // Undeclared: a '*' total, the body crosses the limit.
      await peer.write(send('big3', to, { body: 'y'.repeat(2000), range: '1-*/*', extra: ['Message-ID: m2'] }).replace('Message-ID: m1\r\n', ''));
      expect(statusOf(await peer.response('big3'))).toBe(413);
      expect(received.ended).not.toBe('$');
      expect(Buffer.concat(received.data).length).toBeLessThanOrEqual(1024);
    } finally {
      await peer.close();
      session.close();
    }
    await expectValidExchange();
  });

  it('an unknown method gets 501', async () => {
    const { session, to } = newSession();
    const peer = await RawMsrpPeer.open();
    try {
      await peer.write(send('m501', to, { method: 'FROBNICATE' }));
      expect(statusOf(await peer.response('m501'))).toBe(501);
    } finally {
      await peer.close();
      session.close();
    }
    await expectValidExchange();
  });

  it('binary garbage and a one-byte drip of a valid SEND', async () => {
    const garbage = await RawMsrpPeer.open();
    try {
      await garbage.write(Buffer.from([0, 255, 13, 10, 13, 10, 0x4d, 0x53]));
      expect(await garbage.waitClosed()).toBe(true);
    } finally {
      await garbage.close();
    }
    const { session, to, received } = newSession();
    const peer = await RawMsrpPeer.open();
    try {
      const wire = Buffer.from(send('drip', to, { body: 'slow' }));
      for (let i = 0; i < 60; i++) {
        await peer.write(wire.subarray(i, i + 1));
        await new Promise((r) => setTimeout(r, 5));
      }
      await peer.write(wire.subarray(60));
      expect(statusOf(await peer.response('drip'))).toBe(200);
      expect(Buffer.concat(received.data).toString()).toBe('slow');
    } finally {
      await peer.close();
      session.close();
    }
  });
});
