// Who opens the MSRP connection (RFC 6135 a=setup, RFC 4975 default), group destinations
// (CPM 7.4.1.1 / 7.4.1.2) and procedure variants: the handlers decide, the runtime executes.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTransferSender, MsrpEndpoint, createUdpTransport, createUserAgent, type FileTransferProcedures } from '../../runtime/index.ts';
import { seedProcedures } from '../helpers/seed-spec.ts';
import { listDir, markHandles, sha1Of, startPair, writeTestFile, type Pair } from './transfer-harness.ts';

let pair: Pair | undefined;
beforeEach(markHandles);
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const mlines = (sdp: string | undefined): string[] => (sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('m='));

async function sendOne(p: Pair, name: string, size: number): Promise<{ ok: boolean; file: string }> {
  const file = join(p.outbox, name);
  await writeTestFile(file, size);
  const summary = await p.sender.send({ kind: 'one-recipient', uri: p.receiverUri }, [file]).done;
  await p.sessionEnd();
  return { ok: summary.ok, file };
}

describe('who connects', () => {
  it('an answerer choosing passive makes the sender connect', async () => {
    pair = await startPair('tcp', { receive: { setup: 'passive' } });
    const { ok, file } = await sendOne(pair, 'p.bin', 300_000);
    expect(ok).toBe(true);
    const answer = pair.sip('sender').find((r) => r.direction === 'received' && r.method === 'INVITE' && r.status === 200);
    expect(answer?.body).toContain('a=setup:passive');
    expect(await sha1Of(join(pair.inbox, 'p.bin'))).toBe(await sha1Of(file));
  });

  it('an answer without a=setup means the offerer connects', async () => {
    pair = await startPair('udp', { receive: { setup: 'none' } });
    const { ok, file } = await sendOne(pair, 'n.bin', 300_000);
    expect(ok).toBe(true);
    const answer = pair.sip('sender').find((r) => r.direction === 'received' && r.method === 'INVITE' && r.status === 200);
    expect(answer?.body).not.toContain('a=setup');
    expect(await sha1Of(join(pair.inbox, 'n.bin'))).toBe(await sha1Of(file));
  });

  it('the default answer is active: the receiver connects', async () => {
    pair = await startPair('tcp');
    const { ok } = await sendOne(pair, 'a.bin', 1000);
    expect(ok).toBe(true);
    const answer = pair.sip('sender').find((r) => r.direction === 'received' && r.method === 'INVITE' && r.status === 200);
    expect(answer?.body).toContain('a=setup:active');
  });
});

describe('SIP over TLS', () => {
  it('sends a file with SIP over TLS (self-signed certificate from the system openssl)', async () => {
    const pki = await mkdtemp(join(tmpdir(), 'cpm-ft-pki-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'k.pem'), '-out', join(pki, 'c.pem'),
        '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      const cert = await readFile(join(pki, 'c.pem'));
      const key = await readFile(join(pki, 'k.pem'));
      pair = await startPair('tls', { tls: { cert, key, ca: cert } });
      const { ok, file } = await sendOne(pair, 'secure.bin', 100_000);
      expect(ok).toBe(true);
      expect(pair.receiverUri).toMatch(/;transport=tls$/);
      expect(pair.logs.some((e) => e.kind === 'sip' && e['transport'] === 'TLS')).toBe(true);
      expect(await sha1Of(join(pair.inbox, 'secure.bin'))).toBe(await sha1Of(file));
    } finally {
      await rm(pki, { recursive: true, force: true });
    }
  });
});

describe('group destinations', () => {
  it('an ad-hoc group INVITE goes to the factory with a recipient list (RFC 5366) [7.6.1-1.ad-hoc-group]', async () => {
    pair = await startPair('tcp');
    const a = join(pair.outbox, 'g1.bin');
    const b = join(pair.outbox, 'g2.bin');
    await writeTestFile(a, 2000);
    await writeTestFile(b, 3000);
    const uris = ['sip:carol@example.com', 'sip:dave@example.com'];
    const summary = await pair.sender.send({ kind: 'recipient-list', uris, factory: pair.receiverUri }, [a, b]).done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    const invites = pair.sip('sender').filter((r) => r.direction === 'sent' && r.method === 'INVITE');
    const first = invites[0];
    expect(first?.uri).toBe(pair.receiverUri);
    expect(first?.require).toBe('recipient-list-invite');
    expect(first?.contentType).toMatch(/^multipart\/mixed;boundary=/);
    expect(first?.body).toContain('Content-Disposition: recipient-list');
    expect(first?.body).toContain('application/resource-lists+xml');
    for (const uri of uris) expect(first?.body).toContain(`<entry uri="${uri}"`);
    // 7.6.1-3 speaks of 1-1 sessions only; RFC 5547's offerer rule describes each file in its own
    // m-line in a group session too, so both files go in the one INVITE.
    expect(summary.decisions.filter((d) => d.action === 'one-mline-per-file').map((d) => d.rule)).toEqual(['RFC5547-5-1.mline-per-file']);
    expect(invites).toHaveLength(1);
    expect(mlines(first?.body)).toHaveLength(2);
    expect(summary.decisions.map((d) => d.rule)).toContain('7.6.1-1.ad-hoc-group');
    expect(await listDir(pair.inbox)).toEqual(['g1.bin', 'g2.bin']);
  });

  it('a pre-defined group INVITE goes to the group URI with a plain SDP body [7.6.1-1.predefined-group]', async () => {
    pair = await startPair('udp');
    const a = join(pair.outbox, 'pg.bin');
    await writeTestFile(a, 1234);
    const summary = await pair.sender.send({ kind: 'predefined-group', uri: pair.receiverUri }, [a]).done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    const invite = pair.sip('sender').find((r) => r.direction === 'sent' && r.method === 'INVITE');
    expect(invite?.uri).toBe(pair.receiverUri);
    expect(invite?.contentType).toBe('application/sdp');
    expect(invite?.require).toBeUndefined();
    expect(summary.decisions.map((d) => d.rule)).toContain('7.6.1-1.predefined-group');
  });
});

describe('procedure variants', () => {
  it('with check-pending-files answered no, a queued batch goes in a new session (4.c then a new INVITE) [7.6.1-4.a] [7.6.1-4.c]', async () => {
    pair = await startPair('tcp', { sender: { checkPendingFiles: false } });
    const a = join(pair.outbox, 'x1.bin');
    const b = join(pair.outbox, 'x2.bin');
    await writeTestFile(a, 4000);
    await writeTestFile(b, 4000);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [a]);
    transfer.queue([b]);
    const summary = await transfer.done;
    await pair.sessionEnd();
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    const sent = pair.sip('sender').filter((r) => r.direction === 'sent').map((r) => r.method);
    expect(sent).toEqual(['INVITE', 'ACK', 'BYE', 'INVITE', 'ACK', 'BYE']);
    expect(summary.decisions.map((d) => d.action)).not.toContain('send-reinvite');
    expect(await listDir(pair.inbox)).toEqual(['x1.bin', 'x2.bin']);
  });

  it('a spec in which no rule describes several files fails the transfer with a typed error before any INVITE, not a default', async () => {
    pair = await startPair('udp');
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    const methods: string[] = [];
    const ua = createUserAgent({
      transports: [transport],
      localUri: 'sip:alice@127.0.0.1',
      logger: (e) => { if (e.kind === 'message' && e.direction === 'sent') methods.push(e.method); },
    });
    // The seed's procedures (test/fixtures/seed-spec/) with every one-mline-per-file decision
    // (7.6.1-3 and RFC 5547's offerer rule) filtered out: `spec check` rejects such a spec
    // (`unspecified`); a handler that does it anyway must not meet a runtime default.
    const seed = await seedProcedures();
    const onSendFilesRequested = seed.handlers['send-files-requested'];
    if (onSendFilesRequested === undefined) throw new Error('the seed spec has no send-files-requested handler');
    const procedures: FileTransferProcedures = {
      handlers: { ...seed.handlers, 'send-files-requested': (ctx) => onSendFilesRequested(ctx).filter((d) => d.action !== 'one-mline-per-file') },
      fileAttributes: seed.fileAttributes,
    };
    const sender = new FileTransferSender({ ua, endpoint, procedures, waitTimeoutMs: 3000 });
    try {
      const a = join(pair.outbox, 'v1.bin');
      const b = join(pair.outbox, 'v2.bin');
      await writeTestFile(a, 1500);
      await writeTestFile(b, 1500);
      const summary = await sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [a, b]).done;
      expect(summary.ok).toBe(false);
      expect(summary.error?.code).toBe('ERR_PROCEDURE_UNCOVERED');
      expect(summary.error?.message).toBe('sending 2 files to a one-recipient: no rule says how several files are described');
      expect(summary.files.map((f) => f.ok)).toEqual([false, false]);
      expect(methods).toEqual([]);
    } finally {
      await sender.close();
      ua.close();
      await endpoint.close();
      await transport.close();
    }
  });
});
