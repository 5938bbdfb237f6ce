// Request smuggling through two Content-Length headers: the outer request says 0 in its first
// Content-Length and the real length of a hidden OPTIONS in its second. A stack that frames by the
// first header executes the hidden request; we answer 400 and close the stream, over TCP, and answer
// 400 to the same datagram over UDP. Identical duplicates stay accepted.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpTransport, createUdpTransport, createUserAgent, parseSipMessage, type SipTransport, type UserAgent } from '../../runtime/sip/index.ts';
import { RawTcpPeer } from '../helpers/fuzz-raw-peers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function request(callId: string, branch: string, lengths: readonly string[], body = ''): string {
  return [
    'OPTIONS sip:bob@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1:9;branch=${branch};rport`,
    'Max-Forwards: 70',
    '<sip:alice@127.0.0.1>;tag=s1'.replace(/^/, 'From: '),
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    ...lengths.map((l) => `Content-Length: ${l}`),
    '',
    body,
  ].join('\r\n');
}

const hidden = request('hidden@127.0.0.1', 'z9hG4bK-hidden', ['0'], '');
const smuggling = request('outer@127.0.0.1', 'z9hG4bK-outer', ['0', String(Buffer.byteLength(hidden))], hidden);

async function stack(make: () => Promise<SipTransport>): Promise<{ transport: SipTransport; ua: UserAgent }> {
  const transport = await make();
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:bob@127.0.0.1' });
  cleanups.push(async () => { ua.close(); await transport.close(); });
  return { transport, ua };
}

describe('differing duplicate Content-Length', () => {
  it('over TCP: 400 to the outer request, the hidden one is never executed, the stream is closed', async () => {
    const { transport } = await stack(() => createTcpTransport({ host: '127.0.0.1', port: 0 }));
    const peer = await RawTcpPeer.open(transport.local.port);
    cleanups.push(() => peer.close());
    await peer.write(smuggling);
    const res = await peer.next(3000, (m) => m.kind === 'response');
    expect(res?.kind === 'response' && res.status).toBe(400);
    expect(res?.kind === 'response' && res.reason).toMatch(/Content-Length/);
    expect(await peer.waitClosed(3000)).toBe(true);
    expect(peer.received.filter((m) => (m.headers.get('Call-ID') ?? '').startsWith('hidden'))).toEqual([]);
  });

  it('over UDP: the datagram is answered 400', async () => {
    const { transport } = await stack(() => createUdpTransport({ host: '127.0.0.1', port: 0 }));
    const socket = createSocket('udp4');
    cleanups.push(() => { socket.close(); });
    const replies: number[] = [];
    socket.on('message', (data) => { const r = parseSipMessage(data); if (r.ok && r.value.kind === 'response') replies.push(r.value.status); });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.send(smuggling.replace('SIP/2.0/TCP', 'SIP/2.0/UDP'), transport.local.port, '127.0.0.1');
    for (let i = 0; i < 100 && replies.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(replies).toEqual([400]);
  });

  it('identical duplicates are still one length: the request is served', async () => {
    const { transport } = await stack(() => createTcpTransport({ host: '127.0.0.1', port: 0 }));
    const peer = await RawTcpPeer.open(transport.local.port);
    cleanups.push(() => peer.close());
    await peer.write(request('same@127.0.0.1', 'z9hG4bK-same', ['0', '0']));
    const res = await peer.next(3000, (m) => m.kind === 'response');
    expect(res?.kind === 'response' && res.status).toBe(200);
  });
});
