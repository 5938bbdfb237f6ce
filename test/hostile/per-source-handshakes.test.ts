// Pending TLS handshakes are limited per source address: one address (127.0.0.2) that opens TCP
// connections to SIP over TLS and never sends a ClientHello holds at most its own share of
// handshake slots. A further handshake from it is closed on arrival; one from another address
// (127.0.0.1) completes; once the silent sockets go, 127.0.0.2 is served again.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTlsTransport, type SipTransport, type TransportDiagnostic } from '../../runtime/index.ts';

let certs: string;
let tls: { key: Buffer; cert: Buffer };
beforeAll(async () => {
  certs = await mkdtemp(join(tmpdir(), 'cpm-ft-handshakes-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certs, 'k.pem'), '-out', join(certs, 'c.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  tls = { key: await readFile(join(certs, 'k.pem')), cert: await readFile(join(certs, 'c.pem')) };
});
afterAll(async () => { await rm(certs, { recursive: true, force: true }); });

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** TCP connections from `localAddress` that never start the TLS handshake. */
async function silent(port: number, localAddress: string, count: number): Promise<Socket[]> {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<Socket>((resolve, reject) => {
    const s = tcpConnect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.once('error', reject);
  })));
  cleanup.push(() => { for (const s of sockets) s.destroy(); });
  return sockets;
}

/** A full TLS handshake from `localAddress`: 'secure', or how it ended without one. */
function handshake(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', socket: tcpConnect({ host: '127.0.0.1', port, localAddress }), ca: tls.cert });
    cleanup.push(() => { socket.destroy(); });
    socket.once('secureConnect', () => { resolve('secure'); socket.end(); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
    socket.once('close', () => resolve('closed'));
  });
}

describe('TLS handshakes in progress are limited per source address', () => {
  it('127.0.0.2 holding its 3 handshake slots is refused a 4th; 127.0.0.1 still completes one', async () => {
    const diagnostics: TransportDiagnostic[] = [];
    const transport: SipTransport = await createTlsTransport({ host: '127.0.0.1', port: 0, tls, maxPendingHandshakesPerSource: 3, maxInboundConnectionsPerSource: 64 });
    transport.onDiagnostic((d) => diagnostics.push(d));
    cleanup.push(() => transport.close());
    const port = transport.local.port;

    const held = await silent(port, '127.0.0.2', 3);
    expect(await handshake(port, '127.0.0.1')).toBe('secure');
    expect(await handshake(port, '127.0.0.2')).not.toBe('secure');
    expect(held.every((s) => !s.destroyed)).toBe(true);
    const refusals = diagnostics.filter((d) => d.code === 'ERR_SIP_TOO_MANY_CONNECTIONS');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ peer: { host: '127.0.0.2' }, message: 'inbound connection refused: 3 TLS handshakes in progress from 127.0.0.2 already' });

    // The slots come back when the silent sockets close.
    for (const s of held) s.destroy();
    await expect.poll(async () => handshake(port, '127.0.0.2'), { timeout: 10_000 }).toBe('secure');
  }, 30_000);
});
