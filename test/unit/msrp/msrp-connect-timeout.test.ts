// Opening an outgoing MSRP connection is bounded (connectTimeoutMs, default 10 s): a peer that
// never completes the connect fails with ERR_MSRP_CONNECT and its socket is destroyed. Driven
// with an injected socket opener that never connects and a fake clock, so nothing depends on
// how the network treats an unanswered SYN.
import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../runtime/clock.ts';
import { MsrpEndpoint, parseMsrpUri, type MsrpSocketOpener } from '../../../runtime/msrp/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };

/** An opener whose sockets never connect (nothing is dialled at all); remembers them. */
function neverConnects() {
  const sockets: Socket[] = [];
  const open: MsrpSocketOpener = () => { const s = new Socket(); sockets.push(s); return s; };
  return { open, sockets };
}

describe('MSRP connect timeout', () => {
  it('default 10 s on the injected clock: rejects ERR_MSRP_CONNECT and destroys the socket', async () => {
    const clock = createFakeClock();
    const opener = neverConnects();
    const ep = await MsrpEndpoint.create({ listen: false, clock, openSocket: opener.open });
    cleanups.push(() => ep.close());
    const session = ep.createSession();
    session.setRemotePath([uri('msrp://192.0.2.1:2855/s1;tcp')]);
    const outcome = session.connect().then(() => undefined, (e: unknown) => e);
    await Promise.resolve();
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(9_999);
    expect(opener.sockets[0]?.destroyed).toBe(false);
    clock.advance(1);
    const error = await outcome;
    expect(error).toMatchObject({ code: 'ERR_MSRP_CONNECT' });
    expect((error as Error).message).toMatch(/msrp:\/\/192\.0\.2\.1:2855: no connection within 10000 ms/);
    expect(opener.sockets[0]?.destroyed).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('the relay connect is bounded too: ERR_MSRP_RELAY_CONNECT caused by the timeout (real clock, 30 ms)', async () => {
    const opener = neverConnects();
    const error = await MsrpEndpoint.create({
      listen: false, connectTimeoutMs: 30, openSocket: opener.open,
      relay: { uri: uri('msrp://192.0.2.2:2855;tcp'), credentials: { username: 'a', password: 'b' } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MSRP_RELAY_CONNECT', cause: { code: 'ERR_MSRP_CONNECT' } });
    expect(opener.sockets[0]?.destroyed).toBe(true);
  });

  it('a connect that succeeds in time cancels the timer', async () => {
    const clock = createFakeClock();
    const server = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close());
    const target = server.createSession();
    const ep = await MsrpEndpoint.create({ listen: false, clock });
    cleanups.push(() => ep.close());
    const session = ep.createSession({ clock });
    session.setRemotePath([target.localUri]);
    target.setRemotePath([session.localUri]);
    await session.connect();
    expect(clock.pendingTimers()).toBe(0);
  });
});
