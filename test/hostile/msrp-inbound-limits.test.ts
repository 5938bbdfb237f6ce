// Accepted MSRP connections that never bind to a session are closed after inboundIdleTimeoutMs,
// whether they send nothing or only requests answered 481; bound ones stay. At most
// maxInboundConnections accepted connections are open at once; more are closed on arrival.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../runtime/clock.ts';
import { formatMsrpUri, MsrpEndpoint, type MsrpEndpointOptions } from '../../runtime/msrp/index.ts';
import { waitFor } from '../helpers/fuzz-raw-peers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

interface RawPeer { socket: Socket; closed: () => boolean; received: () => string }

async function open(port: number): Promise<RawPeer> {
  const socket = connect({ host: '127.0.0.1', port });
  cleanups.push(() => { socket.destroy(); });
  let closed = false;
  let text = '';
  socket.on('close', () => { closed = true; });
  socket.on('error', () => {});
  socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return { socket, closed: () => closed, received: () => text };
}

async function endpoint(options: MsrpEndpointOptions): Promise<MsrpEndpoint> {
  const ep = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, ...options });
  cleanups.push(() => ep.close());
  return ep;
}

const bodilessSend = (tid: string, to: string) => `MSRP ${tid} SEND\r\nTo-Path: ${to}\r\nFrom-Path: msrp://127.0.0.1:9/idle;tcp\r\nMessage-ID: m-${tid}\r\n-------${tid}$\r\n`;

describe('MSRP inbound connections', () => {
  it('silent, 481-only and bound connections: the first two close after the idle time, the bound one stays', async () => {
    const clock = createFakeClock();
    const ep = await endpoint({ clock, inboundIdleTimeoutMs: 5000 });
    const session = ep.createSession();
    const silent = await open(ep.port);
    const unknown = await open(ep.port);
    const bound = await open(ep.port);
    unknown.socket.write(bodilessSend('u1', 'msrp://127.0.0.1:1/nosuchsession;tcp'));
    bound.socket.write(bodilessSend('b1', formatMsrpUri(session.localUri)));
    await waitFor(() => (unknown.received().includes('MSRP u1 481') && bound.received().includes('MSRP b1 200') ? true : undefined), 2000);
    expect(unknown.received()).toContain('MSRP u1 481');
    expect(session.connection).toBeDefined();
    // Timers exist for the three accepted connections by now.
    await waitFor(() => (clock.pendingTimers() === 3 ? true : undefined), 2000);
    clock.advance(4999);
    await new Promise((r) => setTimeout(r, 50));
    expect([silent.closed(), unknown.closed(), bound.closed()]).toEqual([false, false, false]);
    clock.advance(1);
    expect(await waitFor(() => (silent.closed() && unknown.closed() ? true : undefined), 2000)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(bound.closed()).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('closes accepted connections beyond maxInboundConnections at once; a slot frees when one closes', async () => {
    const ep = await endpoint({ maxInboundConnections: 2 });
    const a = await open(ep.port);
    const b = await open(ep.port);
    await new Promise((r) => setTimeout(r, 30));
    const c = await open(ep.port);
    expect(await waitFor(() => (c.closed() ? true : undefined), 2000)).toBe(true);
    expect([a.closed(), b.closed()]).toEqual([false, false]);
    a.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const d = await open(ep.port);
    await new Promise((r) => setTimeout(r, 50));
    expect(d.closed()).toBe(false);
  });

  it('the idle timers default to the real clock and are cleared by close()', async () => {
    const ep = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    const peer = await open(ep.port);
    await new Promise((r) => setTimeout(r, 30));
    await ep.close();
    expect(await waitFor(() => (peer.closed() ? true : undefined), 2000)).toBe(true);
  });
});
