// The active side's binding SEND (RFC 4975 §5.4) on a connection the peer accepts and closes at
// once: connect() fails as a closed connection as soon as the close arrives, not after the
// transaction timeout as "no response to the binding SEND". The fake clock never advances, so
// only the close can end the wait.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../runtime/clock.ts';
import { MsrpEndpoint, parseMsrpUri } from '../../../runtime/msrp/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };

/** A TCP listener that treats each accepted connection with `onConnection`. */
async function listener(onConnection: (socket: Socket) => void): Promise<number> {
  const server: Server = createServer((socket) => { socket.on('error', () => {}); onConnection(socket); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function connectTo(port: number): Promise<{ error: unknown; clock: ReturnType<typeof createFakeClock> }> {
  const clock = createFakeClock();
  const ep = await MsrpEndpoint.create({ listen: false, clock });
  cleanups.push(() => ep.close());
  const session = ep.createSession();
  session.setRemotePath([uri(`msrp://127.0.0.1:${port}/peer1;tcp`)]);
  const error = await session.connect().then(() => undefined, (e: unknown) => e);
  return { error, clock };
}

describe('binding SEND on a connection that closes', () => {
  it('accepted and closed at once (FIN): ERR_MSRP_CONNECTION_CLOSED naming the binding SEND, its timer cancelled', async () => {
    // resume(): a paused socket would never read the client's FIN and never close.
    const port = await listener((socket) => { socket.resume(); socket.end(); });
    const { error, clock } = await connectTo(port);
    expect(error).toMatchObject({ code: 'ERR_MSRP_CONNECTION_CLOSED' });
    expect((error as Error).message).toBe('MSRP connection closed before the binding SEND was answered');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('accepted and reset after reading the SEND: the reset is the reason', async () => {
    const port = await listener((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const { error } = await connectTo(port);
    expect(error).toMatchObject({ code: expect.stringMatching(/^ERR_MSRP_CONNECTION/) });
    expect((error as Error).message).toMatch(/before the binding SEND was answered$/);
    expect((error as Error).message).not.toMatch(/no response/);
  });
});
