// A peer that answers many of our offers at once opens one MSRP connection per session from one
// address, and the kernel hands them all to us before we read the binding SEND of any: more silent
// connections from that address than maxSilentConnectionsPerSource. Those are connections our own
// sessions wait for; closing them on arrival failed the sessions ("MSRP connection closed"). The
// connections are all accepted before a byte is written on any, so the outcome does not depend on
// timing; the per-source bound still holds for connections no session waits for.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MsrpEndpoint, type MsrpEndpointDiagnostic } from '../../../runtime/index.ts';
import { newMessageId, newTransactionId, parseMsrpUri, serializeRequest } from '../../../runtime/msrp/index.ts';
import type { MsrpSession } from '../../../runtime/msrp/msrp-session.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

/** `count` TCP connections to `port` from 127.0.0.1, each open (or already closed by the peer). */
async function openConnections(port: number, count: number): Promise<Socket[]> {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', () => resolve(s));
  })));
  cleanups.push(() => { for (const s of sockets) s.destroy(); });
  return sockets;
}

/** Writes a binding SEND for `session` on `socket`; resolves with the status of its response, or 'closed'. */
function bind(socket: Socket, session: MsrpSession): Promise<number | 'closed'> {
  const from = parseMsrpUri('msrp://127.0.0.1:9/peer;tcp');
  if (!from.ok) throw from.error;
  const tid = newTransactionId();
  return new Promise((resolve) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const status = new RegExp(`^MSRP ${tid} (\\d{3})`).exec(seen)?.[1];
      if (status !== undefined) resolve(Number(status));
    });
    socket.once('close', () => resolve('closed'));
    if (socket.destroyed) { resolve('closed'); return; }
    socket.write(Buffer.concat(serializeRequest({ transactionId: tid, method: 'SEND', toPath: [session.localUri], fromPath: [from.value], messageId: newMessageId(), byteRange: { start: 1, end: 0, total: 0 } })));
  });
}

describe('silent MSRP connections our sessions wait for', () => {
  it('more connections from one address than the per-source bound are kept while as many sessions wait; each binds its session', async () => {
    const diagnostics: MsrpEndpointDiagnostic[] = [];
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, maxSilentConnectionsPerSource: 2, onDiagnostic: (d) => diagnostics.push(d) });
    cleanups.push(() => endpoint.close());
    const sessions = Array.from({ length: 5 }, () => endpoint.createSession());
    const sockets = await openConnections(endpoint.port, 5);
    // Every connection accepted (kept silent or refused) before any SEND is written.
    await expect.poll(() => (endpoint.silentConnections.get('127.0.0.1') ?? 0) + diagnostics.length).toBe(5);
    expect(diagnostics).toEqual([]);
    const statuses = await Promise.all(sockets.map((socket, i) => bind(socket, sessions[i] as MsrpSession)));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await Promise.all(sessions.map((s) => s.waitBound()));
    expect(endpoint.silentConnections.get('127.0.0.1')).toBeUndefined();

    // No session waits any more: the bound applies again.
    const more = await openConnections(endpoint.port, 4);
    await expect.poll(() => (endpoint.silentConnections.get('127.0.0.1') ?? 0) + diagnostics.length).toBe(4);
    expect(endpoint.silentConnections.get('127.0.0.1')).toBe(2);
    expect(diagnostics.map((d) => d.code)).toEqual(['ERR_MSRP_TOO_MANY_CONNECTIONS', 'ERR_MSRP_TOO_MANY_CONNECTIONS']);
    await expect.poll(() => more.filter((s) => !s.destroyed && s.readyState === 'open').length).toBe(2);
  });

  it('waiting sessions widen the bound only up to their number', async () => {
    const diagnostics: MsrpEndpointDiagnostic[] = [];
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, maxSilentConnectionsPerSource: 2, onDiagnostic: (d) => diagnostics.push(d) });
    cleanups.push(() => endpoint.close());
    for (let i = 0; i < 3; i++) endpoint.createSession();
    await openConnections(endpoint.port, 6);
    await expect.poll(() => (endpoint.silentConnections.get('127.0.0.1') ?? 0) + diagnostics.length).toBe(6);
    expect(endpoint.silentConnections.get('127.0.0.1')).toBe(3);
    expect(diagnostics).toHaveLength(3);
  });
});
