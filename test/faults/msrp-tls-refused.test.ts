// MSRP over TLS (msrps) where a certificate is refused, either way. The side opening the MSRP
// connection gets ERR_MSRP_TLS_REFUSED naming what happened (the peer's alert, or the peer's
// certificate not trusted here), not OpenSSL's words under the generic connect or close code; the
// receiver's 'file-failed' event carries the code and the CLI's hint names --tls-ca. The refusing
// peers are real TLS servers on loopback: OpenSSL's s_server (which refuses a client certificate
// inside the handshake, with an alert) and node:tls (which closes without one).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MsrpEndpoint, parseMsrpUri } from '../../runtime/index.ts';
import { createClient } from '../../src/client.ts';
import type { ClientExtraOptions, ReceiveExtraOptions } from '../../src/client/extra-options.ts';
import type { FileFailure, ReceiveOptions } from '../../src/client-types.ts';
import { describeFailure } from '../../src/cli/commands/send.ts';
import { withTlsTrustHint } from '../../src/cli/tls-trust-hint.ts';
import { fileOffer, newSid, rawOfferer } from '../limits/raw-offerer.ts';
import { freeLoopbackPort, makeLoopbackCertificate, startOpensslServer } from '../helpers/openssl-tls-server.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

type Tls = NonNullable<ClientExtraOptions['tls']>;
let dir: string;
let alice: { key: Buffer; cert: Buffer };
let bob: { key: Buffer; cert: Buffer };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cpm-ft-msrps-refused-'));
  alice = await makeLoopbackCertificate(dir, 'alice');
  bob = await makeLoopbackCertificate(dir, 'bob');
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A node:tls server; what it accepts is read and never answered. */
async function nodeServer(options: TlsOptions): Promise<number> {
  const server = createTlsServer(options, (socket) => { socket.on('error', () => {}); socket.resume(); });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Opens an msrps connection (and sends the binding SEND) to 127.0.0.1:port; the error it fails with. */
async function connectError(port: number, tlsClient: Tls): Promise<unknown> {
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', listen: false, tlsClient });
  cleanup.push(() => endpoint.close());
  const session = endpoint.createSession();
  const path = parseMsrpUri(`msrps://127.0.0.1:${port}/${newSid()};tcp`);
  if (!path.ok) throw path.error;
  session.setRemotePath([path.value]);
  return session.connect().then(() => 'connected', (error: unknown) => error);
}

describe('msrps: a refused certificate is ERR_MSRP_TLS_REFUSED', () => {
  it('the peer refuses our certificate with an alert (openssl s_server -Verify 1): the alert is named', async () => {
    const port = await startOpensslServer(dir, 'bob', 'bob.pem', cleanup);
    const error = await connectError(port, { ...alice, ca: bob.cert });
    expect(error).toMatchObject({ code: 'ERR_MSRP_TLS_REFUSED', message: expect.stringMatching(new RegExp(`^msrps://127\\.0\\.0\\.1:${port} refused the TLS handshake: alert unknown_ca( before the binding SEND was answered)?$`)) });
    expect(withTlsTrustHint((error as Error).message)).toMatch(/give it the CA that signed this side's --tls-cert with its --tls-ca FILE, or use a --tls-cert it trusts\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('the peer closes right after the handshake (node:tls, requestCert and rejectUnauthorized)', async () => {
    const port = await nodeServer({ ...bob, ca: bob.cert, requestCert: true, rejectUnauthorized: true });
    const error = await connectError(port, { ...alice, ca: bob.cert });
    expect(error).toMatchObject({ code: 'ERR_MSRP_TLS_REFUSED', message: `msrps://127.0.0.1:${port} closed the TLS connection right after the handshake, before answering (it did not accept our certificate) before the binding SEND was answered` });
    countWhenPassed('faults', 1);
  }, 60_000);

  it('we do not trust the peer\'s certificate: named as such, with the hint to give its CA', async () => {
    const port = await nodeServer({ ...alice });
    const error = await connectError(port, { ...bob, ca: bob.cert });
    expect(error).toMatchObject({ code: 'ERR_MSRP_TLS_REFUSED', message: `cannot connect to msrps://127.0.0.1:${port}: its TLS certificate is not trusted: self-signed certificate` });
    expect(withTlsTrustHint((error as Error).message)).toMatch(/give the CA that signed the peer's certificate with --tls-ca FILE\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('a connection the peer accepts keeps the ordinary codes: a refused port is still ERR_MSRP_CONNECT', async () => {
    const error = await connectError(await freeLoopbackPort(), { ...alice, ca: bob.cert });
    expect(error).toMatchObject({ code: 'ERR_MSRP_CONNECT' });
  }, 60_000);
});

describe('a receiver whose msrps connection is refused', () => {
  /** bob receives one pushed file whose MSRP path is msrps://127.0.0.1:port; its 'file-failed' event. */
  async function receiveFrom(port: number, tls: Tls): Promise<{ code?: string; reason: string; byeReason: Promise<string | undefined> }> {
    const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-msrps-refused-in-'));
    const receiver = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, msrpTls: true, tls });
    const failed = new Promise<{ code?: string; reason: string }>((resolve) => receiver.on('file-failed', (file) => resolve(file)));
    const byeReason = new Promise<string | undefined>((resolve) => receiver.on('session-end', (session) => resolve(session.reason)));
    receiver.receive({ dir: inbox });
    cleanup.push(async () => { await receiver.close(); await rm(inbox, { recursive: true, force: true }); });
    const sender = await rawOfferer('sip:alice@127.0.0.1');
    cleanup.push(() => sender.close());
    const offer = fileOffer({ path: `msrps://127.0.0.1:${port}/${newSid()};tcp`, setup: 'actpass', name: 'report.bin', data: randomBytes(64) }).replace('TCP/MSRP', 'TCP/TLS/MSRP');
    const answer = await sender.invite(`sip:bob@127.0.0.1:${receiver.sipAddress.port}`, offer);
    expect(answer.response.status).toBe(200);
    return { ...(await failed), byeReason };
  }

  it('the sender\'s MSRP peer refuses bob\'s certificate with an alert: file-failed carries ERR_MSRP_TLS_REFUSED and the alert', async () => {
    const port = await startOpensslServer(dir, 'bob', 'alice.pem', cleanup);
    const failure = await receiveFrom(port, { ...bob, ca: bob.cert });
    expect(failure.code).toBe('ERR_MSRP_TLS_REFUSED');
    expect(failure.reason).toContain(`msrps://127.0.0.1:${port} refused the TLS handshake: alert unknown_ca`);
    expect(withTlsTrustHint(failure.reason)).toMatch(/--tls-ca FILE, or use a --tls-cert it trusts\)$/);
    // The sender reads the same refusal in the receiver's BYE: there it was this side that refused.
    const bye = await failure.byeReason;
    expect(bye).toContain('refused the TLS handshake: alert unknown_ca');
    expect(withTlsTrustHint(`the receiver ended the session: 503 ${bye ?? ''}`)).toMatch(/\(this side's MSRP listener did not accept the receiver's certificate: give this side the CA that signed it with --tls-ca FILE\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('bob does not trust the sender\'s MSRP certificate: file-failed carries ERR_MSRP_TLS_REFUSED', async () => {
    const port = await nodeServer({ ...alice });
    const failure = await receiveFrom(port, { ...bob, ca: bob.cert });
    expect(failure).toMatchObject({ code: 'ERR_MSRP_TLS_REFUSED', reason: expect.stringContaining(`msrps://127.0.0.1:${port}: its TLS certificate is not trusted: self-signed certificate`) });
    expect(withTlsTrustHint(failure.reason)).toMatch(/give the CA that signed the peer's certificate with --tls-ca FILE\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);
});

describe('a sender that opens the msrps connection (the receiver answered a=setup:passive)', () => {
  /** alice sends one file to bob over SIP/UDP with MSRP over TLS; its failure. */
  async function send(senderTls: Tls, receiverTls: Tls): Promise<FileFailure | undefined> {
    const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-msrps-passive-in-'));
    const receiver = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, msrpTls: true, tls: receiverTls });
    const receive: ReceiveOptions & ReceiveExtraOptions = { dir: inbox, setup: 'passive' };
    receiver.receive(receive);
    cleanup.push(async () => { await receiver.close(); await rm(inbox, { recursive: true, force: true }); });
    const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-msrps-passive-out-'));
    const sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, msrpTls: true, tls: senderTls });
    cleanup.push(async () => { await sender.close(); await rm(outbox, { recursive: true, force: true }); });
    const file = join(outbox, 'report.bin');
    await writeFile(file, randomBytes(20_000));
    const summary = await sender.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${receiver.sipAddress.port}` }, [file]).done;
    return summary.ok ? undefined : summary.files[0]?.failure;
  }

  it('the receiver\'s MSRP listener refuses alice\'s certificate: her failure is ERR_MSRP_TLS_REFUSED, and the CLI line has the hint', async () => {
    const failure = await send({ ...alice, ca: Buffer.concat([alice.cert, bob.cert]) }, { ...bob, ca: bob.cert, requestCert: true, rejectUnauthorized: true });
    expect(failure).toMatchObject({ source: 'connection', code: 'ERR_MSRP_TLS_REFUSED', message: expect.stringMatching(/^msrps:\/\/127\.0\.0\.1:\d+ closed the TLS connection right after the handshake/) });
    expect(describeFailure(failure as FileFailure)).toMatch(/^connection: msrps:.*\(the peer does not trust this side's certificate: give it the CA that signed this side's --tls-cert with its --tls-ca FILE, or use a --tls-cert it trusts\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('alice does not trust the receiver\'s MSRP certificate: ERR_MSRP_TLS_REFUSED with the hint to give its CA', async () => {
    const failure = await send({ ...alice, ca: alice.cert }, { ...bob, ca: Buffer.concat([alice.cert, bob.cert]) });
    expect(failure).toMatchObject({ source: 'connection', code: 'ERR_MSRP_TLS_REFUSED', message: expect.stringMatching(/^cannot connect to msrps:\/\/127\.0\.0\.1:\d+: its TLS certificate is not trusted: self-signed certificate$/) });
    expect(describeFailure(failure as FileFailure)).toMatch(/give the CA that signed the peer's certificate with --tls-ca FILE\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);
});
