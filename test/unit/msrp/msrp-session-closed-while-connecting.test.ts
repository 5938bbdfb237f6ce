// The active side's session closed before its connection is bound (RFC 4975 §5.4), for instance
// because a sibling m-line's connect failed and the whole SIP session ended: whether the close
// comes while the TCP connect is still under way or while the binding SEND waits for its
// response, connect() fails with the session's close and the peer sees the connection end. The
// fake clock never advances, so neither the transaction timeout nor the close linger can be what
// ends the wait or the connection.
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../runtime/clock.ts';
import { MsrpEndpoint, parseMsrpUri, type MsrpSocketOpener } from '../../../runtime/msrp/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };

interface SilentPeer {
  readonly port: number;
  /** Resolves with the accepted socket once a connection arrives. */
  readonly accepted: Promise<Socket>;
}

/** A peer that reads everything and answers nothing, as a sender that never replies to the binding SEND. */
async function silentPeer(): Promise<SilentPeer> {
  let onAccept: (socket: Socket) => void = () => {};
  const accepted = new Promise<Socket>((resolve) => { onAccept = resolve; });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.resume();
    onAccept(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, accepted };
}

/** What the peer read on `socket` by the time the other end closed it. */
function readUntilEnd(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

describe('an MSRP session closed before its connection is bound', () => {
  it('while the TCP connect is under way: the socket that completes is ended unused and connect() fails with the close', async () => {
    const peer = await silentPeer();
    const clock = createFakeClock();
    // Holds the "connected" report back until the test lets it through, after the session closed.
    let release: () => void = () => {};
    const connected = new Promise<void>((resolve) => { release = resolve; });
    const openSocket: MsrpSocketOpener = (target, onConnect) => netConnect({ host: target.host, port: target.port }, () => { void connected.then(onConnect); });
    const ep = await MsrpEndpoint.create({ listen: false, clock, openSocket });
    cleanups.push(() => ep.close());
    const session = ep.createSession();
    session.setRemotePath([uri(`msrp://127.0.0.1:${peer.port}/peer1;tcp`)]);
    const outcome = session.connect().then(() => undefined, (e: unknown) => e);
    const socket = await peer.accepted;
    const read = readUntilEnd(socket);
    session.close();
    release();
    expect(await outcome).toMatchObject({ code: 'ERR_MSRP_SESSION_CLOSED' });
    // The connection was ended without a binding SEND for a session that no longer exists.
    expect(await read).toBe('');
    expect(session.connection).toBeUndefined();
  });

  it('while the binding SEND waits for its response: connect() fails at once and the connection is ended', async () => {
    const peer = await silentPeer();
    const clock = createFakeClock();
    const ep = await MsrpEndpoint.create({ listen: false, clock });
    cleanups.push(() => ep.close());
    const session = ep.createSession();
    session.setRemotePath([uri(`msrp://127.0.0.1:${peer.port}/peer1;tcp`)]);
    const outcome = session.connect().then(() => undefined, (e: unknown) => e);
    const socket = await peer.accepted;
    let text = '';
    const sendRead = new Promise<void>((resolve) => socket.on('data', (d: Buffer) => { text += d.toString('latin1'); if (text.includes('-------')) resolve(); }));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await sendRead;
    expect(text).toMatch(/^MSRP \S+ SEND\r\n/);
    const conn = session.connection;
    expect(conn).toBeDefined();
    session.close();
    const error = await outcome;
    expect(error).toMatchObject({ code: 'ERR_MSRP_SESSION_CLOSED' });
    expect((error as Error).message).toMatch(/before the binding SEND was answered$/);
    await ended;
    await conn?.whenClosed();
    // The binding SEND's transaction timer and the close linger are both gone.
    expect(clock.pendingTimers()).toBe(0);
  });
});
