// Resource caps of the SIP TCP listener: an accepted connection that brings no complete message is
// closed after the idle timeout (driven by a fake clock), keep-alives and messages restart that
// timer, and connections beyond the inbound cap are closed on arrival while the others keep serving.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeClock, createTcpTransport, createUserAgent, type FakeClock, type SipTransport, type TransportDiagnostic, type UserAgent } from '../../runtime/sip/index.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { finalFor, RawTcpPeer, waitFor } from '../helpers/fuzz-raw-peers.ts';

const IDLE = 1000;
let before: HandleSnapshot;
let clock: FakeClock;
let tcp: SipTransport;
let ua: UserAgent;
let peers: RawTcpPeer[];
let diagnostics: TransportDiagnostic[];
let seq = 0;

beforeEach(async () => {
  before = await snapshotHandles();
  clock = createFakeClock();
  peers = [];
  diagnostics = [];
  tcp = await createTcpTransport({ host: '127.0.0.1', port: 0, clock, idleTimeout: IDLE, maxInboundConnections: 2 });
  ua = createUserAgent({
    transports: [tcp],
    localUri: 'sip:bob@127.0.0.1',
    logger: (e) => { if (e.kind === 'diagnostic') diagnostics.push(e.diagnostic); },
  });
});

afterEach(async () => {
  for (const p of peers) await p.close();
  ua.close();
  await tcp.close();
  await assertNoLeakedHandles(before, 2000);
});

async function open(): Promise<RawTcpPeer> {
  const peer = await RawTcpPeer.open(tcp.local.port);
  peers.push(peer);
  return peer;
}

function options(port: number): { bytes: string; branch: string } {
  seq++;
  const branch = `z9hG4bK-limits-${seq}`;
  const bytes = [
    'OPTIONS sip:bob@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=l${seq}`,
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: limits-${seq}@127.0.0.1`,
    `CSeq: ${seq} OPTIONS`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { bytes, branch };
}

async function expectServed(peer: RawTcpPeer): Promise<void> {
  const { bytes, branch } = options(peer.port);
  await peer.write(bytes);
  const res = await peer.next(2000, finalFor(branch));
  expect(res?.kind === 'response' && res.status).toBe(200);
}

/** The accepted side arms its idle timer when the server hands it over; wait for that. */
const armed = (n: number): Promise<true | undefined> => waitFor(() => (clock.pendingTimers() >= n ? true : undefined));
const stillOpen = async (peer: RawTcpPeer): Promise<boolean> => !(await peer.waitClosed(100));

describe('SIP TCP idle timeout', () => {
  it('closes a connection that sends nothing once the idle timeout passes', async () => {
    const peer = await open();
    expect(await armed(1)).toBe(true);
    clock.advance(IDLE - 1);
    expect(await stillOpen(peer)).toBe(true);
    clock.advance(1);
    expect(await peer.waitClosed(2000)).toBe(true);
    expect(diagnostics.some((d) => d.code === 'ERR_SIP_IDLE_TIMEOUT')).toBe(true);
  });

  it('closes a connection that drips an unfinished request, however recently it wrote', async () => {
    const peer = await open();
    expect(await armed(1)).toBe(true);
    const partial = options(peer.port).bytes.slice(0, 40);
    for (let i = 0; i < 4; i++) {
      await peer.write(partial.slice(i * 10, i * 10 + 10));
      await new Promise((r) => setTimeout(r, 20));
      clock.advance(IDLE / 4);
    }
    expect(await peer.waitClosed(2000)).toBe(true);
  });

  it('restarts the timer on each complete message and on CRLF keep-alives', async () => {
    const peer = await open();
    expect(await armed(1)).toBe(true);
    clock.advance(IDLE - 100);
    await expectServed(peer);
    clock.advance(IDLE - 100);
    expect(await stillOpen(peer)).toBe(true);
    await peer.write('\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(IDLE - 100);
    expect(await stillOpen(peer)).toBe(true);
    await expectServed(peer);
    clock.advance(IDLE);
    expect(await peer.waitClosed(2000)).toBe(true);
  });
});

describe('SIP TCP inbound connection cap', () => {
  it('closes connections beyond the cap and keeps serving the admitted ones', async () => {
    const first = await open();
    const second = await open();
    expect(await armed(2)).toBe(true);
    const third = await open();
    expect(await third.waitClosed(2000)).toBe(true);
    expect(diagnostics.some((d) => d.code === 'ERR_SIP_TOO_MANY_CONNECTIONS')).toBe(true);
    await expectServed(first);
    await expectServed(second);
    // A slot freed by a closed connection is available again.
    await first.close();
    await waitFor(() => (clock.pendingTimers() < 2 ? true : undefined));
    const fourth = await open();
    await expectServed(fourth);
  });
});
