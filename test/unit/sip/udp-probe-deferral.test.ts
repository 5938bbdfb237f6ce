// The UDP port probe of an unanswered INVITE (uac-no-answer.ts) opens a socket of its own, so it is
// started only once the INVITE has gone T1 without a response: a peer that answers in time costs no
// socket. A fake clock stands for T1; the destination is a real loopback socket (or a real closed
// port, which the kernel reports with ICMP port unreachable), so what the probe sends is observed
// on the wire.

import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock, defaultTimerValues, type FakeClock } from '../../../runtime/sip/index.ts';
import { watchUnanswered } from '../../../runtime/sip/uac-no-answer.ts';
import type { UaCore } from '../../../runtime/sip/user-agent-core.ts';
import type { CpmError } from '../../../runtime/errors.ts';
import { recordingTransport } from './recording-transport.ts';

/** The parts of the UA core watchUnanswered reads, with a fake clock. */
function coreWith(clock: FakeClock): UaCore {
  const core = {
    clock,
    timers: defaultTimerValues,
    options: { noAnswerNoticeMs: 0 },
    closers: new Set<() => void>(),
    guard: (_what: string, _transport: unknown, fn: () => void) => { fn(); return true; },
  };
  return core as unknown as UaCore;
}

async function boundSocket(): Promise<{ socket: Socket; port: number; received: string[] }> {
  const socket = createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (m) => received.push(m.toString('latin1')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, received };
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the UDP port probe of an unanswered INVITE', () => {
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('sends nothing before T1, and its keep-alive once T1 has passed without a response', async () => {
    const clock = createFakeClock();
    const peer = await boundSocket();
    sockets.push(peer.socket);
    const { transport } = recordingTransport(clock);
    const watch = watchUnanswered(coreWith(clock), 'sip:bob@127.0.0.1', { transport, destination: { host: '127.0.0.1', port: peer.port } }, undefined, () => undefined);
    clock.advance(defaultTimerValues.T1 - 1);
    await settle(200);
    expect(peer.received).toEqual([]);
    clock.advance(1);
    for (let i = 0; i < 50 && peer.received.length === 0; i++) await settle(20);
    expect(peer.received).toEqual(['\r\n\r\n']);
    watch.stop();
  });

  it('a response before T1 (stop) means no probe at all', async () => {
    const clock = createFakeClock();
    const peer = await boundSocket();
    sockets.push(peer.socket);
    const { transport } = recordingTransport(clock);
    const watch = watchUnanswered(coreWith(clock), 'sip:bob@127.0.0.1', { transport, destination: { host: '127.0.0.1', port: peer.port } }, undefined, () => undefined);
    clock.advance(defaultTimerValues.T1 / 2);
    await settle(200);
    expect(peer.received).toEqual([]);
    watch.stop();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(defaultTimerValues.T1 * 4);
    await settle(200);
    expect(peer.received).toEqual([]);
  });

  it('a closed port still fails the attempt with ERR_SIP_PORT_UNREACHABLE after T1', async () => {
    const clock = createFakeClock();
    const gone = await boundSocket();
    await new Promise<void>((resolve) => gone.socket.close(() => resolve()));
    const { transport } = recordingTransport(clock);
    const errors: CpmError[] = [];
    watchUnanswered(coreWith(clock), 'sip:bob@127.0.0.1', { transport, destination: { host: '127.0.0.1', port: gone.port } }, undefined, (e) => errors.push(e));
    await settle(100);
    expect(errors).toEqual([]);
    clock.advance(defaultTimerValues.T1);
    for (let i = 0; i < 100 && errors.length === 0; i++) await settle(20);
    expect(errors.map((e) => e.code)).toEqual(['ERR_SIP_PORT_UNREACHABLE']);
  });
});
