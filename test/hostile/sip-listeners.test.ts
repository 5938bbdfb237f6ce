// Socket-level abuse of the real SIP listeners (UDP and TCP transports under a user agent whose
// INVITE delegate rejects): malformed, oversized, truncated and slow messages get the response the
// stack documents (400 / 413 / 513, silence when no response can be addressed, connection close when
// a stream loses its framing), and afterwards the stack still answers a valid OPTIONS with 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTcpTransport, createUdpTransport, createUserAgent, type SipLogEvent, type SipMessage, type SipTransport, type TransportDiagnostic, type UserAgent } from '../../runtime/sip/index.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { finalFor, RawTcpPeer, RawUdpPeer, waitFor } from '../helpers/fuzz-raw-peers.ts';

// Small limits so that the size cases fit in one datagram: 413 above 16 KiB of body, 513 above 32 KiB.
const limits = { maxMessageSize: 32 * 1024, maxBodySize: 16 * 1024 };

let before: HandleSnapshot;
let udp: SipTransport;
let tcp: SipTransport;
let ua: UserAgent;
const diagnostics: TransportDiagnostic[] = [];
let seq = 0;

beforeAll(async () => {
  before = await snapshotHandles();
  udp = await createUdpTransport({ host: '127.0.0.1', port: 0, limits });
  tcp = await createTcpTransport({ host: '127.0.0.1', port: 0, limits });
  ua = createUserAgent({
    transports: [udp, tcp],
    localUri: 'sip:bob@127.0.0.1',
    delegate: { onInvite: (incoming) => incoming.reject(603) },
    logger: (e: SipLogEvent) => { if (e.kind === 'diagnostic') diagnostics.push(e.diagnostic); },
  });
});

afterAll(async () => {
  ua.close();
  await udp.close();
  await tcp.close();
  await assertNoLeakedHandles(before, 2000);
});

interface Req { method?: string; uri?: string; transport: 'UDP' | 'TCP'; port: number; drop?: string[]; extra?: string; body?: string; contentLength?: number; startLine?: string }

/** A request from a raw peer on `port`, with `;rport` so UDP answers come back to its socket. */
function request(r: Req): { bytes: Buffer; callId: string; branch: string } {
  seq++;
  const method = r.method ?? 'OPTIONS';
  const callId = `hostile-${seq}@127.0.0.1`;
  const branch = `z9hG4bK-hostile-${seq}`;
  const body = r.body ?? '';
  const headers = [
    `Via: SIP/2.0/${r.transport} 127.0.0.1:${r.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=t${seq}`,
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: ${callId}`,
    `CSeq: ${seq} ${method}`,
  ].filter((h) => !(r.drop ?? []).some((d) => h.startsWith(`${d}:`)));
  const text = [r.startLine ?? `${method} ${r.uri ?? 'sip:bob@127.0.0.1'} SIP/2.0`, ...headers, ...(r.extra === undefined ? [] : [r.extra]), `Content-Length: ${r.contentLength ?? Buffer.byteLength(body)}`, '', body].join('\r\n');
  return { bytes: Buffer.from(text), callId, branch };
}

async function expectUdpServing(peer: RawUdpPeer): Promise<void> {
  const { bytes, callId, branch } = request({ transport: 'UDP', port: peer.port });
  await peer.send(bytes, udp.local.port);
  const res = await peer.next(2000, finalFor(branch));
  expect(res?.kind === 'response' && res.status).toBe(200);
  expect(res?.headers.get('Call-ID')).toBe(callId);
}

async function expectTcpServing(): Promise<void> {
  const peer = await RawTcpPeer.open(tcp.local.port);
  try {
    const { bytes, callId, branch } = request({ transport: 'TCP', port: peer.port });
    await peer.write(bytes);
    const res = await peer.next(2000, finalFor(branch));
    expect(res?.kind === 'response' && res.status).toBe(200);
    expect(res?.headers.get('Call-ID')).toBe(callId);
  } finally {
    await peer.close();
  }
}

/** Sends a request from a raw peer and waits for its final response (matched by Via branch). */
async function udpAsk(peer: RawUdpPeer, r: Omit<Req, 'transport' | 'port'>, timeoutMs = 2000): Promise<SipMessage | undefined> {
  const { bytes, branch } = request({ ...r, transport: 'UDP', port: peer.port });
  await peer.send(bytes, udp.local.port);
  return peer.next(timeoutMs, finalFor(branch));
}

async function tcpAsk(peer: RawTcpPeer, r: Omit<Req, 'transport' | 'port'>, timeoutMs = 2000): Promise<SipMessage | undefined> {
  const { bytes, branch } = request({ ...r, transport: 'TCP', port: peer.port });
  await peer.write(bytes);
  return peer.next(timeoutMs, finalFor(branch));
}

const statusOf = (m: SipMessage | undefined): number | undefined => (m?.kind === 'response' ? m.status : undefined);

describe('SIP over UDP', () => {
  let peer: RawUdpPeer;
  beforeAll(async () => { peer = await RawUdpPeer.open(); });
  afterAll(async () => { await peer.close(); });

  it('answers a valid OPTIONS with 200 and rejects an INVITE through the delegate', async () => {
    await expectUdpServing(peer);
    // The 603 is retransmitted until ACKed (RFC 3261 §17.2.1); the branch filter takes the first.
    const invite = await udpAsk(peer, { method: 'INVITE', extra: `Contact: <sip:alice@127.0.0.1:${peer.port}>` });
    expect(statusOf(invite)).toBe(603);
  });

  it('bad start lines: 400 when the request can be addressed, silence otherwise', async () => {
    const res = await udpAsk(peer, { uri: 'bob@127.0.0.1' });
    expect(statusOf(res)).toBe(400);
    expect(res?.kind === 'response' && res.reason).toMatch(/Request-URI/);
    // A start line that is not SIP at all cannot be answered: dropped, with a diagnostic.
    const count = diagnostics.length;
    expect(await udpAsk(peer, { startLine: 'HELLO THERE' }, 200)).toBeUndefined();
    expect(await waitFor(() => (diagnostics.length > count ? diagnostics.at(-1) : undefined))).toMatchObject({ kind: 'parse-error' });
    await expectUdpServing(peer);
  });

  it('missing Via / CSeq / Call-ID: no response can be built, the request is dropped and diagnosed', async () => {
    for (const header of ['Via', 'CSeq', 'Call-ID']) {
      const count = diagnostics.length;
      expect(await udpAsk(peer, { drop: [header] }, 100)).toBeUndefined();
      const d = await waitFor(() => (diagnostics.length > count ? diagnostics.at(-1) : undefined));
      expect(d, header).toMatchObject({ kind: 'parse-error', code: 'ERR_SIP_MISSING_HEADER' });
    }
    await expectUdpServing(peer);
  });

  it('a header line over the line limit gets 400; 10 000 headers get 400', async () => {
    expect(statusOf(await udpAsk(peer, { extra: `Subject: ${'x'.repeat(9000)}` }))).toBe(400);
    // 10 000 one-value list headers on one line (a datagram cannot hold 10 000 header lines).
    expect(statusOf(await udpAsk(peer, { extra: `Supported: ${Array.from({ length: 10_000 }, () => 'x').join(',')}`.slice(0, 8000) }))).toBe(400);
    await expectUdpServing(peer);
  });

  it('a body over the body limit gets 413, a datagram over the message limit 513', async () => {
    expect(statusOf(await udpAsk(peer, { body: 'b'.repeat(20 * 1024) }))).toBe(413);
    expect(statusOf(await udpAsk(peer, { body: 'b'.repeat(40 * 1024) }))).toBe(513);
    // A Content-Length larger than the datagram is a truncated message: 400.
    expect(statusOf(await udpAsk(peer, { body: 'abc', contentLength: 10 }))).toBe(400);
    await expectUdpServing(peer);
  });

  it('garbage datagrams, then a valid OPTIONS', async () => {
    for (const g of [Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]), Buffer.from('\r\n\r\n'), Buffer.alloc(1000, 0x41), Buffer.from('SIP/2.0 999 What\r\n\r\n')]) await peer.send(g, udp.local.port);
    await expectUdpServing(peer);
  });
});

describe('SIP over TCP', () => {
  it('thousands of header lines get 400 and the connection keeps serving', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      const extra = Array.from({ length: 10_000 }, (_, i) => `X-${i}: ${i % 10}`).join('\r\n');
      // 10 000 lines exceed this listener's 32 KiB message limit (that case is the 513 below), so
      // 2 500 of them go in one message: under the size limit, far over the 256-header limit.
      expect(statusOf(await tcpAsk(peer, { extra: extra.split('\r\n').slice(0, 2500).join('\r\n') }))).toBe(400);
      expect(statusOf(await tcpAsk(peer, {}))).toBe(200);
      expect(peer.closed).toBe(false);
    } finally {
      await peer.close();
    }
  });

  it('a 1 MB header line: 513 then the connection is closed; the listener keeps serving', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      expect(statusOf(await tcpAsk(peer, { extra: `Subject: ${'y'.repeat(1024 * 1024)}` }))).toBe(513);
      expect(await peer.waitClosed()).toBe(true);
    } finally {
      await peer.close();
    }
    await expectTcpServing();
  });

  it('a body over the body limit gets 413 and the stream stays in sync; over the message limit 513 and close', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      expect(statusOf(await tcpAsk(peer, { body: 'b'.repeat(20 * 1024) }))).toBe(413);
      expect(statusOf(await tcpAsk(peer, {}))).toBe(200);
      expect(statusOf(await tcpAsk(peer, { body: 'b'.repeat(40 * 1024) }))).toBe(513);
      expect(await peer.waitClosed()).toBe(true);
    } finally {
      await peer.close();
    }
    await expectTcpServing();
  });

  it('Content-Length larger than the body: the stack waits for the rest, then answers', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      const { bytes, branch } = request({ transport: 'TCP', port: peer.port, body: 'hello', contentLength: 20 });
      await peer.write(bytes);
      expect(await peer.next(300)).toBeUndefined();
      await peer.write('0123456789abcde');
      expect(statusOf(await peer.next(2000, finalFor(branch)))).toBe(200);
    } finally {
      await peer.close();
    }
  });

  it('Content-Length smaller than the body: the message is cut there, the leftover bytes are a bad request (400)', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      const first = request({ transport: 'TCP', port: peer.port, body: 'he', contentLength: 2 });
      const second = request({ transport: 'TCP', port: peer.port });
      // "llo" glued before the second request's start line.
      await peer.write(Buffer.concat([first.bytes, Buffer.from('llo'), second.bytes]));
      expect(statusOf(await peer.next(2000, finalFor(first.branch)))).toBe(200);
      const res = await peer.next(2000, finalFor(second.branch));
      expect(statusOf(res)).toBe(400);
      expect(res?.headers.get('Call-ID')).toBe(second.callId);
      expect(statusOf(await tcpAsk(peer, {}))).toBe(200);
    } finally {
      await peer.close();
    }
  });

  it('a message dripped one byte per 5 ms is still processed', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      const { bytes, callId, branch } = request({ transport: 'TCP', port: peer.port });
      await peer.drip(bytes.subarray(0, 80), 5);
      expect(peer.received).toHaveLength(0);
      await peer.write(bytes.subarray(80));
      const res = await peer.next(2000, finalFor(branch));
      expect(statusOf(res)).toBe(200);
      expect(res?.headers.get('Call-ID')).toBe(callId);
    } finally {
      await peer.close();
    }
  });

  it('garbage without framing closes the connection; a new connection is served', async () => {
    const peer = await RawTcpPeer.open(tcp.local.port);
    try {
      await peer.write(Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(' garbage\r\n\r\n')]));
      expect(await peer.waitClosed()).toBe(true);
    } finally {
      await peer.close();
    }
    // Garbage with a blank line and a Content-Length is a bad request on a stream in sync: the
    // connection survives it.
    const peer2 = await RawTcpPeer.open(tcp.local.port);
    try {
      await peer2.write('GARBAGE\r\nContent-Length: 0\r\n\r\n');
      expect(statusOf(await tcpAsk(peer2, {}))).toBe(200);
    } finally {
      await peer2.close();
    }
    await expectTcpServing();
  });
});
