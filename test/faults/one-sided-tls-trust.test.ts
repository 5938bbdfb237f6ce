// SIP and MSRP over TLS where only one side trusts the other's certificate. Each side has its own
// self-signed certificate; the sender's failure arrives promptly (not after the 30 s MSRP setup
// wait or Timer B) and says whose trust is missing, and the CLI's hint names the --tls-ca fix.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { FileFailure } from '../../src/client-types.ts';
import type { ClientExtraOptions } from '../../src/client/extra-options.ts';
import { withTlsTrustHint } from '../../src/cli/tls-trust-hint.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

type Tls = NonNullable<ClientExtraOptions['tls']>;
let dir: string;
let alice: { key: Buffer; cert: Buffer };
let bob: { key: Buffer; cert: Buffer };
let both: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cpm-ft-one-sided-'));
  const make = async (name: string): Promise<{ key: Buffer; cert: Buffer }> => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: await readFile(join(dir, `${name}.key`)), cert: await readFile(join(dir, `${name}.pem`)) };
  };
  alice = await make('alice');
  bob = await make('bob');
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
  const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-one-sided-out-'));
  const receiver = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tls' }, tls: receiverTls });
  receiver.receive({ dir: inbox });
  const sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tls' }, tls: senderTls });
  cleanup.push(async () => {
    await sender.close();
    await receiver.close();
    await rm(inbox, { recursive: true, force: true });
    await rm(outbox, { recursive: true, force: true });
  });
  const file = join(outbox, 'report.bin');
  await writeFile(file, Buffer.alloc(20_000, 7));
  const summary = await sender.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${receiver.sipAddress.port};transport=tls` }, [file]).done;
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
});
