// What happens to an inbound MSRP connection before any session sees it is reported through the
// endpoint's onDiagnostic (the client logs it as a `msrp` event): a failed accept (the process is
// out of descriptors), a connection closed by a limit, a failed inbound TLS handshake.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, connect as tcpConnect, Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MsrpEndpoint, type MsrpEndpointDiagnostic } from '../../runtime/index.ts';
import { createClient, inspectClient } from '../../src/client.ts';
import type { LogEvent } from '../../src/client-types.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function connected(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.on('error', () => resolve(socket));
    cleanup.push(() => { socket.destroy(); });
  });
}

describe('the MSRP endpoint reports inbound connections that never reach a session', () => {
  it('a failed accept is reported, and the endpoint goes on serving', async () => {
    // libuv absorbs EMFILE itself (it accepts and closes the connection with a reserved
    // descriptor), so the listener's 'error' carries the rest: ENFILE without that reserve,
    // ENOBUFS, ENOMEM. The real listener (seen as the receiver of net.Server's listen()) is given one.
    const diagnostics: MsrpEndpointDiagnostic[] = [];
    const listen = vi.spyOn(Server.prototype, 'listen');
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, onDiagnostic: (d) => diagnostics.push(d) });
    const servers = [...listen.mock.contexts];
    listen.mockRestore();
    cleanup.push(() => endpoint.close());
    const listener = servers.find((h): h is Server => h instanceof Server && (h.address() as AddressInfo | null)?.port === endpoint.port);
    expect(listener).toBeDefined();
    listener?.emit('error', Object.assign(new Error('accept ENFILE'), { code: 'ENFILE', errno: -23, syscall: 'accept' }));
    expect(diagnostics).toEqual([{ event: 'accept-failed', code: 'ERR_MSRP_ACCEPT', message: `cannot accept an MSRP connection on 127.0.0.1:${endpoint.port}: accept ENFILE` }]);
    // Still listening: a later connection is accepted (and answered 481 for an unknown session).
    const socket = await connected(endpoint.port);
    expect(socket.readyState).toBe('open');
  });

  it('connections over the per-source limit are reported as refused, naming the source and the limit', async () => {
    const diagnostics: MsrpEndpointDiagnostic[] = [];
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, maxSilentConnectionsPerSource: 2, onDiagnostic: (d) => diagnostics.push(d) });
    cleanup.push(() => endpoint.close());
    for (let i = 0; i < 3; i++) await connected(endpoint.port, '127.0.0.2');
    await expect.poll(() => diagnostics.length).toBe(1);
    expect(diagnostics[0]).toEqual({ event: 'connection-refused', code: 'ERR_MSRP_TOO_MANY_CONNECTIONS', peer: expect.stringMatching(/^127\.0\.0\.2:\d+$/), message: expect.stringMatching(/^inbound MSRP connection from 127\.0\.0\.2:\d+ closed: 2 connections from 127\.0\.0\.2 not bound to a session yet$/) });
  });

  it('a peer that does not trust our msrps certificate: the failed handshake is reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-msrp-diag-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const diagnostics: MsrpEndpointDiagnostic[] = [];
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, tls: { key: await readFile(join(dir, 'k.pem')), cert: await readFile(join(dir, 'c.pem')) }, onDiagnostic: (d) => diagnostics.push(d) });
    cleanup.push(() => endpoint.close());
    // The peer verifies against the system roots only, so our self-signed certificate fails.
    const peer = tlsConnect({ host: '127.0.0.1', port: endpoint.port });
    peer.on('error', () => undefined);
    cleanup.push(() => { peer.destroy(); });
    await expect.poll(() => diagnostics.length).toBe(1);
    // Node's client closes without an alert after checking the certificate itself; the server
    // sees the connection end mid-handshake (an OpenSSL client would send unknown_ca, which is named).
    expect(diagnostics[0]).toMatchObject({ event: 'tls-handshake-failed', code: 'ERR_MSRP_TLS_HANDSHAKE', message: expect.stringMatching(/^TLS handshake of an inbound MSRP connection (from 127\.0\.0\.1:\d+ )?failed: socket hang up$/) });
  });

  it('a client logs them as msrp events', async () => {
    const logs: LogEvent[] = [];
    const client = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, limits: { msrpMaxSilentConnectionsPerSource: 1 }, log: (e) => logs.push(e) });
    cleanup.push(() => client.close());
    const port = inspectClient(client)?.endpoint.port ?? 0;
    await connected(port, '127.0.0.2');
    await connected(port, '127.0.0.2');
    await expect.poll(() => logs.filter((e) => e.kind === 'msrp' && e['event'] === 'connection-refused')).toEqual([
      { kind: 'msrp', event: 'connection-refused', code: 'ERR_MSRP_TOO_MANY_CONNECTIONS', peer: expect.stringMatching(/^127\.0\.0\.2:\d+$/), message: expect.stringMatching(/closed: 1 connections from 127\.0\.0\.2 not bound to a session yet$/) },
    ]);
  });
});
