// Closing a user agent while an INVITE it cancelled still waits for a final response: the wait
// (64*T1 after the CANCEL, RFC 3261 §9.1) must end with the user agent, failing the INVITE, or a
// closed client's process stays alive until that timer fires.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock, createUdpTransport, createUserAgent } from '../../../runtime/sip/index.ts';
import { waitFor } from '../../helpers/fuzz-raw-peers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

/** Rings (180) on every INVITE and answers nothing else: not the INVITE, not the CANCEL. */
async function ringingPeer(): Promise<{ port: number; heard: string[] }> {
  const socket = createSocket('udp4');
  const heard: string[] = [];
  socket.on('message', (data, from) => {
    const text = data.toString('latin1');
    heard.push(text.slice(0, text.indexOf(' ')));
    if (!text.startsWith('INVITE ')) return;
    const header = (name: string): string[] => text.split('\r\n').filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    socket.send(['SIP/2.0 180 Ringing', ...header('Via'), ...header('From'), ...header('To').map((l) => `${l};tag=r`), ...header('Call-ID'), ...header('CSeq'), 'Content-Length: 0', '', ''].join('\r\n'), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, heard };
}

describe('an INVITE cancelled without an answer, then the user agent closed', () => {
  it('fails the INVITE and leaves no timer running', async () => {
    const peer = await ringingPeer();
    const clock = createFakeClock();
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => transport.close());
    let rang = false;
    const ua = createUserAgent({
      transports: [transport],
      localUri: 'sip:alice@127.0.0.1',
      clock,
      logger: (event) => { if (event.kind === 'message' && event.direction === 'received' && event.status === 180) rang = true; },
    });
    const call = ua.invite(`sip:bob@127.0.0.1:${peer.port}`, { body: 'v=0\r\n', contentType: 'application/sdp' });
    const outcome = call.then(() => 'answered', (error: { code?: string }) => error.code ?? 'failed');
    // The 180 has to arrive before a CANCEL may go (RFC 3261 §9.1).
    await waitFor(() => (rang ? true : undefined), 5000);
    call.cancel('closing');
    await waitFor(() => (peer.heard.includes('CANCEL') ? true : undefined), 5000);
    expect(peer.heard).toContain('CANCEL');
    ua.close();
    expect(await outcome).toBe('ERR_SIP_TRANSPORT_CLOSED');
    expect(clock.pendingTimers()).toBe(0);
  });
});
