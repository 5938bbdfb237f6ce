// SIP and MSRP over TLS where only one side trusts the other's certificate. Each side has its own
// self-signed certificate; the sender's failure arrives promptly (not after the 30 s MSRP setup
// wait or Timer B) and says whose trust is missing, and the CLI's hint names the --tls-ca fix.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { FileFailure } from '../../src/client-types.ts';
import type { ClientExtraOptions } from '../../src/client/extra-options.ts';
import { withTlsTrustHint } from '../../src/cli/tls-trust-hint.ts';
import { makeLoopbackCertificate, startOpensslServer } from '../helpers/openssl-tls-server.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

type Tls = NonNullable<ClientExtraOptions['tls']>;
let dir: string;
let alice: { key: Buffer; cert: Buffer };
let bob: { key: Buffer; cert: Buffer };
let both: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cpm-ft-one-sided-'));
  alice = await makeLoopbackCertificate(dir, 'alice');
  bob = await makeLoopbackCertificate(dir, 'bob');
  both = Buffer.concat([alice.cert, bob.cert]);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Sends one file from alice (sender) to bob (receiver), both on SIP and MSRP over TLS. */
async function sendOverTls(senderTls: Tls, receiverTls: Tls): Promise<FileFailure | undefined> {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-one-sided-in-'));
  const receiver = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tls' }, tls: receiverTls });
  receiver.receive({ dir: inbox });
  cleanup.push(async () => {
    await receiver.close();
    await rm(inbox, { recursive: true, force: true });
  });
  return sendTo(receiver.sipAddress.port, senderTls);
}

/** Alice sends one file to whatever listens for SIP over TLS on `port`. */
async function sendTo(port: number, senderTls: Tls): Promise<FileFailure | undefined> {
  const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-one-sided-out-'));
  const sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tls' }, tls: senderTls });
  cleanup.push(async () => {
    await sender.close();
    await rm(outbox, { recursive: true, force: true });
  });
  const file = join(outbox, 'report.bin');
  await writeFile(file, Buffer.alloc(20_000, 7));
  const summary = await sender.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${port};transport=tls` }, [file]).done;
  return summary.ok ? undefined : summary.files[0]?.failure;
}

describe('one-sided TLS trust reaches the sender with its reason', () => {
  it('both trust each other: the file arrives (the set-up below is otherwise sound)', async () => {
    expect(await sendOverTls({ ...alice, ca: both }, { ...bob, ca: both })).toBeUndefined();
  }, 60_000);

  it('the receiver does not trust the sender\'s certificate: its BYE comes back over the INVITE\'s connection with the reason', async () => {
    // The receiver cannot open the sender's msrps path, nor a new TLS connection to the sender's
    // Contact: the Reason has to travel over the connection the sender opened.
    const failure = await sendOverTls({ ...alice, ca: both }, { ...bob, ca: bob.cert });
    expect(failure).toMatchObject({ source: 'peer-bye', code: 'ERR_SESSION_ENDED_BY_PEER' });
    expect(failure?.message).toMatch(/^the receiver ended the session: 503 cannot connect to the sender's MSRP path: .*self-signed certificate/);
    expect(failure?.code).not.toBe('ERR_TRANSFER_TIMEOUT');
    expect(withTlsTrustHint(failure?.message ?? '')).toMatch(/the receiver must be given the CA that signed this side's certificate with --tls-ca FILE\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('the sender does not trust the receiver\'s certificate: its own TLS connect fails, with the hint to name the peer\'s CA', async () => {
    const failure = await sendOverTls({ ...alice, ca: alice.cert }, { ...bob, ca: both });
    expect(failure).toMatchObject({ source: 'connection', code: 'ERR_SIP_TRANSPORT' });
    expect(failure?.message).toMatch(/^TLS connect to 127\.0\.0\.1:\d+ failed: self-signed certificate$/);
    expect(withTlsTrustHint(failure?.message ?? '')).toMatch(/give the CA that signed the peer's certificate with --tls-ca FILE\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('a receiver that asks for a client certificate and does not trust the sender\'s: the sender is told at once, not at Timer B', async () => {
    // Node's TLS server checks the client certificate after the TLS 1.3 handshake and closes
    // without an alert; the INVITE is already written by then.
    const failure = await sendOverTls({ ...alice, ca: both }, { ...bob, ca: bob.cert, requestCert: true, rejectUnauthorized: true });
    expect(failure).toMatchObject({ source: 'connection', code: 'ERR_SIP_TLS_REFUSED' });
    expect(failure?.message).toMatch(/^127\.0\.0\.1:\d+ closed the TLS connection right after the handshake, before answering \(it did not accept our certificate\)$/);
    expect(withTlsTrustHint(failure?.message ?? '')).toMatch(/give it the CA that signed this side's --tls-cert with its --tls-ca FILE, or use a --tls-cert it trusts\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);

  it('a peer that rejects the sender\'s certificate with a TLS alert: the failure names the alert', async () => {
    const port = await startOpensslServer(dir, 'bob', 'bob.pem', cleanup);
    const failure = await sendTo(port, { ...alice, ca: both });
    expect(failure).toMatchObject({ source: 'connection', code: 'ERR_SIP_TLS_REFUSED', message: `127.0.0.1:${port} refused the TLS handshake: alert unknown_ca` });
    expect(withTlsTrustHint(failure?.message ?? '')).toMatch(/--tls-ca FILE, or use a --tls-cert it trusts\)$/);
    countWhenPassed('faults', 1);
  }, 60_000);
});
