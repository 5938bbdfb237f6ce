// MSRP over TLS in the client (RFC 4975 §6: msrps URIs; INTEROP item 13): with SIP over TLS the
// MSRP endpoint listens with the same key/cert and verifies peers against the same CA; a peer
// whose certificate the CA did not sign is refused and the file fails cleanly.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, inspectClient, type ClientExtraOptions, type ReceiveExtraOptions } from '../../src/client.ts';
import type { CpmClient, LogEvent, ReceiveOptions, SipTransportName } from '../../src/client-types.ts';
import { createTestPki, type TestPki } from './test-pki.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pki(name: string): Promise<TestPki> {
  const p = await createTestPki(name);
  cleanups.push(() => p.dispose());
  return p;
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `cpm-ft-tls-${prefix}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Side { readonly client: CpmClient; readonly logs: LogEvent[] }

async function client(name: string, transport: SipTransportName, extra: ClientExtraOptions): Promise<Side> {
  const logs: LogEvent[] = [];
  const c = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport }, log: (e) => logs.push(e), waitTimeoutMs: 3000, ...extra });
  cleanups.push(() => c.close());
  return { client: c, logs };
}

const sha1 = async (path: string): Promise<string> => createHash('sha1').update(await readFile(path)).digest('hex');

function sentSdpLines(logs: readonly LogEvent[], prefix: string): string[] {
  return logs.filter((e) => e.kind === 'sip' && e.direction === 'sent' && typeof e['body'] === 'string')
    .flatMap((e) => String(e['body']).split(/\r?\n/).filter((l) => l.startsWith(prefix)));
}

async function sendOne(sender: Side, receiver: Side, transport: SipTransportName, setup?: ReceiveExtraOptions['setup']) {
  const inbox = await tempDir('inbox');
  const outbox = await tempDir('outbox');
  const file = join(outbox, 'secret.bin');
  await writeFile(file, Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 31) & 0xff)));
  const receive: ReceiveOptions & ReceiveExtraOptions = { dir: inbox, ...(setup !== undefined ? { setup } : {}) };
  receiver.client.receive(receive);
  const uri = `sip:bob@127.0.0.1:${receiver.client.sipAddress.port};transport=${transport}`;
  const summary = await sender.client.send({ kind: 'one-recipient', uri }, [file]).done;
  return { summary, inbox, file };
}

describe('MSRP over TLS in the client', () => {
  it('SIP over TLS + MSRP over TLS with a CA-signed certificate: msrps paths, the file arrives intact', async () => {
    const { ca, cert, key } = await pki('good');
    const receiver = await client('bob', 'tls', { tls: { ca, cert, key } });
    const sender = await client('alice', 'tls', { tls: { ca, cert, key } });
    expect(inspectClient(sender.client)?.endpoint.scheme).toBe('msrps');

    const { summary, inbox, file } = await sendOne(sender, receiver, 'tls');
    expect(summary.ok, JSON.stringify(summary.files)).toBe(true);
    expect(await readdir(inbox)).toEqual(['secret.bin']);
    expect(await sha1(join(inbox, 'secret.bin'))).toBe(await sha1(file));
    // RFC 4975 §6: both a=path lines are msrps URIs.
    const paths = [...sentSdpLines(sender.logs, 'a=path:'), ...sentSdpLines(receiver.logs, 'a=path:')];
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const p of paths) expect(p).toMatch(/^a=path:msrps:\/\/127\.0\.0\.1:\d+\/[^;]+;tcp$/);
    // RFC 4975 §8.1: an msrps path goes with the TCP/TLS/MSRP transport on the m-line, in offer and answer.
    const mlines = sentSdpLines(sender.logs, 'm=');
    expect(mlines.length).toBeGreaterThanOrEqual(1);
    for (const m of mlines) expect(m).toMatch(/^m=message \d+ TCP\/TLS\/MSRP \*$/);
  });

  it('msrpTls on a TCP SIP transport: MSRP alone is encrypted', async () => {
    const { ca, cert, key } = await pki('tcp');
    const receiver = await client('bob', 'tcp', { tls: { ca, cert, key }, msrpTls: true });
    const sender = await client('alice', 'tcp', { tls: { ca, cert, key }, msrpTls: true });
    const { summary, inbox, file } = await sendOne(sender, receiver, 'tcp');
    expect(summary.ok, JSON.stringify(summary.files)).toBe(true);
    expect(await sha1(join(inbox, 'secret.bin'))).toBe(await sha1(file));
    expect(sentSdpLines(sender.logs, 'a=path:')[0]).toMatch(/^a=path:msrps:/);
  });

  it('a peer certificate from an untrusted CA: verification fails and the file fails cleanly', async () => {
    const trusted = await pki('trusted');
    const rogue = await pki('rogue');
    // The receiver presents a certificate the sender's CA never signed; the receiver answers
    // passive, so the sender opens the msrps connection and must refuse it.
    const receiver = await client('bob', 'tcp', { tls: { ca: trusted.ca, cert: rogue.cert, key: rogue.key }, msrpTls: true });
    const sender = await client('alice', 'tcp', { tls: { ca: trusted.ca, cert: trusted.cert, key: trusted.key }, msrpTls: true });
    const { summary, inbox } = await sendOne(sender, receiver, 'tcp', 'passive');
    expect(summary.ok).toBe(false);
    const failure = summary.files[0]?.failure;
    expect(failure?.source).toBe('connection');
    expect(failure?.message).toMatch(/msrps:\/\/127\.0\.0\.1:\d+/);
    expect(failure?.message).toMatch(/certificate/i);
    expect(await readdir(inbox)).not.toContain('secret.bin');
  });

  it('MSRP over TLS without credentials is refused up front', async () => {
    await expect(createClient({ localUri: 'sip:a@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, msrpTls: true }))
      .rejects.toMatchObject({ code: 'ERR_CLIENT_TLS_CONFIG' });
  });
});
