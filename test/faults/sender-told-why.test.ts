// The sender prints the cause, and promptly: when the receiver (the active side) cannot secure the
// MSRP connection it ends the session with a BYE whose Reason says why, and the sender's file fails
// with that text at once instead of "the peer did not connect within 30000 ms"; a receiver that
// refuses a file over its size limit names the limit (Warning) instead of a bare rejection.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { writeTestFile } from '../e2e/transfer-harness.ts';
import { eventually } from './fault-checks.ts';
import { runtimePairPerTest } from './runtime-pair.ts';

const pairs = runtimePairPerTest();
let certs: string;
beforeAll(async () => {
  certs = await mkdtemp(join(tmpdir(), 'cpm-ft-told-why-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certs, 'k.pem'), '-out', join(certs, 'c.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
});
afterAll(async () => { await rm(certs, { recursive: true, force: true }); });

describe('the sender is told why, at once', () => {
  it('TLS trust failure on the receiver\'s MSRP connect: the sender fails with the receiver\'s Reason within seconds', async () => {
    const tls = { key: await readFile(join(certs, 'k.pem')), cert: await readFile(join(certs, 'c.pem')) };
    // The sender listens with a self-signed certificate the receiver does not trust.
    const pair = await pairs.start({ senderMsrp: { tls }, receiverMsrp: { tlsClient: {} }, sender: { waitTimeoutMs: 30_000 } });
    const file = join(pair.outbox, 'secret.bin');
    await writeTestFile(file, 64 * 1024);
    const started = Date.now();
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done;
    const took = Date.now() - started;
    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure).toEqual({ source: 'peer-bye', code: 'ERR_SESSION_ENDED_BY_PEER', message: expect.stringMatching(/^the receiver ended the session: 503 cannot connect to the sender's MSRP path: .*(self-signed|certificate)/) });
    expect(summary.files[0]?.failure?.message).not.toMatch(/did not connect within/);
    // Generous: the point is "not the 30 s wait".
    expect(took).toBeLessThan(10_000);
    await eventually(() => pair.receiver.heldSessions.total === 0, 'the receiver to free the slot', 5000);
    countWhenPassed('faults', 1);
  }, 30_000);

  it('a file over the receiver\'s --max-size: the sender names the receiver\'s limit', async () => {
    const pair = await pairs.start({ receiver: { maxSize: 1000 } });
    const file = join(pair.outbox, 'large.bin');
    await writeTestFile(file, 5000);
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done;
    expect(summary.files[0]?.failure).toMatchObject({ source: 'sip-response', status: 603, message: '603 Decline: the receiver says "large.bin is 5000 bytes; this receiver takes files up to 1000 bytes"' });
    countWhenPassed('faults', 1);
  });

  it('one file of two over the limit: the port-0 m-line names the limit too, the other file arrives', async () => {
    const pair = await pairs.start({ receiver: { maxSize: 1000 } });
    const small = join(pair.outbox, 'small.bin');
    const large = join(pair.outbox, 'large.bin');
    await writeTestFile(small, 500);
    await writeTestFile(large, 5000);
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [small, large]).done;
    const byName = new Map(summary.files.map((f) => [f.name, f]));
    expect(byName.get('small.bin')?.ok).toBe(true);
    expect(byName.get('large.bin')?.failure?.message).toBe('the answer rejected m-line 1 (port 0): the receiver says "large.bin is 5000 bytes; this receiver takes files up to 1000 bytes"');
    countWhenPassed('faults', 1);
  });
});
