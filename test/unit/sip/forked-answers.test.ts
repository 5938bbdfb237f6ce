// A forked INVITE answered 2xx by two UASs (RFC 3261 §13.2.2.4): the first answer is the session; the
// second gets its ACK and then a BYE, so that UAS is not left retransmitting its 2xx and holding a
// dialog until its own timeout. A 2xx for an INVITE we never sent is left alone.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponseTo } from '../../../runtime/sip/syntax/build-response.ts';
import { parseSipMessage } from '../../../runtime/sip/syntax/parse-message.ts';
import { serializeSipMessage } from '../../../runtime/sip/syntax/serialize-message.ts';
import type { SipRequest } from '../../../runtime/sip/syntax/sip-message.ts';
import { createUdpTransport } from '../../../runtime/sip/transport/index.ts';
import { createUserAgent } from '../../../runtime/sip/user-agent.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A UDP peer standing for a forking proxy: the test decides what it sends back for each request. */
async function forkingPeer(onRequest: (request: SipRequest, reply: (bytes: Buffer) => void, port: number) => void): Promise<{ port: number; requests: SipRequest[]; socket: Socket }> {
  const socket = createSocket('udp4');
  const requests: SipRequest[] = [];
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  socket.on('message', (msg, rinfo) => {
    const parsed = parseSipMessage(msg);
    if (!parsed.ok || parsed.value.kind !== 'request') return;
    requests.push(parsed.value);
    onRequest(parsed.value, (bytes) => socket.send(bytes, rinfo.port, rinfo.address), port);
  });
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port, requests, socket };
}

async function alice() {
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@example.test', timers: { T1: 50 } });
  cleanups.push(() => transport.close(), () => ua.close());
  return { ua, transport };
}

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`never saw ${what}`);
};

const toTag = (request: SipRequest): string | undefined => /;tag=([^;>\s]+)/.exec(request.headers.get('To') ?? '')?.[1];

describe('forked 2xx answers', () => {
  it('ACKs the second UAS\'s 2xx and releases it with BYE, keeping the first as the session', async () => {
    const peer = await forkingPeer((request, reply, port) => {
      const contact = [{ name: 'Contact', value: `<sip:bob@127.0.0.1:${port}>` }];
      if (request.method === 'INVITE') {
        reply(serializeSipMessage(createResponseTo(request, 200, { toTag: 'uas-one', headers: contact })));
        reply(serializeSipMessage(createResponseTo(request, 200, { toTag: 'uas-two', headers: contact })));
      } else if (request.method === 'BYE') {
        reply(serializeSipMessage(createResponseTo(request, 200, { headers: [] })));
      }
    });
    const { ua } = await alice();
    const result = await ua.invite(`sip:bob@127.0.0.1:${peer.port}`, { body: 'v=0\r\n', contentType: 'application/sdp' });
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    expect(result.dialog.id.remoteTag).toBe('uas-one');
    await waitFor(() => peer.requests.some((r) => r.method === 'BYE'), 'the BYE for the second answer');
    const seen = (method: string): (string | undefined)[] => [...new Set(peer.requests.filter((r) => r.method === method).map(toTag))];
    expect(seen('ACK').sort()).toEqual(['uas-one', 'uas-two']);
    expect(seen('BYE')).toEqual(['uas-two']);
    await waitFor(() => ua.dialogs.size === 1, 'the released dialog removed');
    expect([...ua.dialogs.values()].map((d) => d.id.remoteTag)).toEqual(['uas-one']);
  });

  it('leaves a 2xx for an INVITE it never sent alone (no ACK, no BYE toward its Contact)', async () => {
    const { ua, transport } = await alice();
    const peer = await forkingPeer(() => undefined);
    const stray = [
      'SIP/2.0 200 OK',
      `Via: SIP/2.0/UDP 127.0.0.1:${transport.local.port};branch=z9hG4bK-not-ours`,
      'From: <sip:alice@example.test>;tag=a1',
      'To: <sip:bob@example.test>;tag=b1',
      'Call-ID: stray-call',
      'CSeq: 1 INVITE',
      `Contact: <sip:bob@127.0.0.1:${peer.port}>`,
      'Content-Length: 0', '', '',
    ].join('\r\n');
    await new Promise<void>((resolve) => peer.socket.send(stray, transport.local.port, '127.0.0.1', () => resolve()));
    // Datagrams on one socket are handled in order: once an INVITE sent after the stray has been refused
    // by a second peer, the stray has been handled too (and anything it caused would have been sent).
    const probe = await forkingPeer((request, reply) => {
      if (request.method === 'INVITE') reply(serializeSipMessage(createResponseTo(request, 486, { toTag: 'p', headers: [] })));
    });
    const refused = await ua.invite(`sip:probe@127.0.0.1:${probe.port}`);
    expect(refused.kind).toBe('rejected');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(peer.requests).toEqual([]);
    expect(ua.dialogs.size).toBe(0);
  });
});
