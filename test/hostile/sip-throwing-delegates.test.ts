// Application callbacks that throw run inside socket handlers: the stack must report them as
// diagnostics, answer the request 500 when nothing was answered yet, and keep serving.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTcpTransport, createUdpTransport, createUserAgent, type SipTransport, type TransportDiagnostic, type UserAgent, type UserAgentDelegate } from '../../runtime/sip/index.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { finalFor, RawTcpPeer, RawUdpPeer, waitFor } from '../helpers/fuzz-raw-peers.ts';

let cleanup: (() => Promise<void>)[] = [];
let before: HandleSnapshot;
beforeEach(async () => {
  before = await snapshotHandles();
});
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  await assertNoLeakedHandles(before, 2000);
});

let seq = 0;
function request(method: 'INVITE' | 'OPTIONS', transport: 'UDP' | 'TCP', port: number): { bytes: string; branch: string } {
  seq++;
  const branch = `z9hG4bK-throw-${seq}`;
  const bytes = [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:${port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=t${seq}`,
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: throw-${seq}@127.0.0.1`,
    `CSeq: ${seq} ${method}`,
    `Contact: <sip:alice@127.0.0.1:${port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { bytes, branch };
}

async function agent(make: () => Promise<SipTransport>, delegate: UserAgentDelegate, throwingLogger = false): Promise<{ transport: SipTransport; ua: UserAgent; diagnostics: TransportDiagnostic[] }> {
  const transport = await make();
  const diagnostics: TransportDiagnostic[] = [];
  const ua = createUserAgent({
    transports: [transport],
    localUri: 'sip:bob@127.0.0.1',
    delegate,
    logger: (e) => {
      if (e.kind === 'diagnostic') diagnostics.push(e.diagnostic);
      if (throwingLogger) throw new Error('logger broke');
    },
  });
  cleanup.push(async () => {
    ua.close();
    await transport.close();
  });
  return { transport, ua, diagnostics };
}

const throwOnInvite: UserAgentDelegate = {
  onInvite: () => {
    throw new Error('application bug');
  },
};

describe('a delegate that throws', () => {
  it('TCP: INVITE gets 500, the throw is a callback-error diagnostic, the next OPTIONS gets 200', async () => {
    const { transport, diagnostics } = await agent(() => createTcpTransport({ host: '127.0.0.1', port: 0 }), throwOnInvite);
    const peer = await RawTcpPeer.open(transport.local.port);
    cleanup.push(() => peer.close());
    const invite = request('INVITE', 'TCP', peer.port);
    await peer.write(invite.bytes);
    const res = await peer.next(2000, finalFor(invite.branch));
    expect(res?.kind === 'response' && res.status).toBe(500);
    expect(diagnostics.some((d) => d.kind === 'callback-error' && d.message.includes('application bug'))).toBe(true);
    const options = request('OPTIONS', 'TCP', peer.port);
    await peer.write(options.bytes);
    const ok = await peer.next(2000, finalFor(options.branch));
    expect(ok?.kind === 'response' && ok.status).toBe(200);
  });

  it('UDP: INVITE gets 500 and the next OPTIONS gets 200', async () => {
    const { transport } = await agent(() => createUdpTransport({ host: '127.0.0.1', port: 0 }), throwOnInvite);
    const peer = await RawUdpPeer.open();
    cleanup.push(() => peer.close());
    const invite = request('INVITE', 'UDP', peer.port);
    await peer.send(invite.bytes, transport.local.port);
    const res = await peer.next(2000, finalFor(invite.branch));
    expect(res?.kind === 'response' && res.status).toBe(500);
    const options = request('OPTIONS', 'UDP', peer.port);
    await peer.send(options.bytes, transport.local.port);
    const ok = await peer.next(2000, finalFor(options.branch));
    expect(ok?.kind === 'response' && ok.status).toBe(200);
  });

  it('a logger that throws on every event does not stop OPTIONS being answered', async () => {
    const { transport } = await agent(() => createTcpTransport({ host: '127.0.0.1', port: 0 }), throwOnInvite, true);
    const peer = await RawTcpPeer.open(transport.local.port);
    cleanup.push(() => peer.close());
    for (let i = 0; i < 2; i++) {
      const options = request('OPTIONS', 'TCP', peer.port);
      await peer.write(options.bytes);
      const ok = await peer.next(2000, finalFor(options.branch));
      expect(ok?.kind === 'response' && ok.status).toBe(200);
    }
  });

  it('onAck and onBye that throw are reported; the BYE is still answered 200', async () => {
    const bob = await agent(() => createUdpTransport({ host: '127.0.0.1', port: 0 }), {
      onInvite: (incoming) => incoming.accept('v=0\r\n', 'application/sdp'),
      onAck: () => {
        throw new Error('ack hook bug');
      },
      onBye: () => {
        throw new Error('bye hook bug');
      },
    });
    const alice = await agent(() => createUdpTransport({ host: '127.0.0.1', port: 0 }), {});
    const result = await alice.ua.invite(`sip:bob@127.0.0.1:${bob.transport.local.port}`);
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    expect(await waitFor(() => (bob.diagnostics.some((d) => d.kind === 'callback-error' && d.message.includes('ack hook bug')) ? true : undefined))).toBe(true);
    const bye = await alice.ua.bye(result.dialog);
    expect(bye.response.status).toBe(200);
    expect(await waitFor(() => (bob.diagnostics.some((d) => d.kind === 'callback-error' && d.message.includes('bye hook bug')) ? true : undefined))).toBe(true);
  });
});
