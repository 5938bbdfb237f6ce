// RFC 4975 §8.6 a=max-size: the sender does not start a message larger than the receiver's
// a=max-size. The file fails before any MSRP byte of it is sent, its failure naming max-size; a
// file within the limit goes through. Real SIP and MSRP sockets on loopback.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MsrpEndpoint } from '../../runtime/index.ts';
import { createClient } from '../../src/client.ts';
import type { LogEvent } from '../../src/client-types.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('peer a=max-size', () => {
  it('a file larger than the answer\'s a=max-size fails before sending, naming max-size; a smaller one arrives', async () => {
    const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-maxsize-in-'));
    const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-maxsize-out-'));
    cleanup.push(() => rm(inbox, { recursive: true, force: true }), () => rm(outbox, { recursive: true, force: true }));
    const logs: Array<LogEvent & { side: string }> = [];
    const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, log: (e) => logs.push({ ...e, side: 'receiver' }) });
    cleanup.push(() => bob.close());
    const receiverProgress: unknown[] = [];
    bob.on('progress', (p) => receiverProgress.push(p));
    // A receiver that advertises a=max-size but does not itself decline larger offers (as some
    // stacks do): only the sender's check stands between the file and a wasted transfer.
    bob.receive({ dir: inbox, maxSize: 1000, accept: () => true });
    const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, log: (e) => logs.push({ ...e, side: 'sender' }) });
    cleanup.push(() => alice.close());
    const target = `sip:bob@127.0.0.1:${bob.sipAddress.port};transport=tcp`;

    const big = join(outbox, 'big.bin');
    await writeFile(big, randomBytes(5000));
    const summary = await alice.send({ kind: 'one-recipient', uri: target }, [big]).done;
    expect(summary.ok).toBe(false);
    const failure = summary.files[0]?.failure;
    expect(failure?.message).toMatch(/a=max-size of 1000 bytes/);
    expect(failure?.message).toMatch(/big\.bin/);
    // The answer did carry a=max-size...
    const answers = logs.filter((e) => e.side === 'sender' && e.kind === 'sip' && e['status'] === 200 && typeof e['body'] === 'string');
    expect(answers.some((e) => /a=max-size:1000/.test(String(e['body'])))).toBe(true);
    // ...and no byte of the file went over MSRP: no message was started, the receiver got nothing.
    expect(logs.filter((e) => e.kind === 'msrp' && e['event'] === 'message-start')).toEqual([]);
    expect(receiverProgress).toEqual([]);

    const small = join(outbox, 'small.bin');
    await writeFile(small, randomBytes(800));
    const second = await alice.send({ kind: 'one-recipient', uri: target }, [small]).done;
    expect(second.ok).toBe(true);
    await expect.poll(async () => (await readdir(inbox)).filter((n) => !n.startsWith('.'))).toEqual(['small.bin']);
  });

  it("with peerMaxSizeScope 'chunk' (as some SBCs read a=max-size) the file is sent and the receiver's 413 fails it", async () => {
    const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-maxsize-in-'));
    const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-maxsize-out-'));
    cleanup.push(() => rm(inbox, { recursive: true, force: true }), () => rm(outbox, { recursive: true, force: true }));
    const logs: LogEvent[] = [];
    const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' } });
    cleanup.push(() => bob.close());
    bob.receive({ dir: inbox, maxSize: 1000, accept: () => true });
    const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, peerMaxSizeScope: 'chunk', log: (e) => logs.push(e) });
    cleanup.push(() => alice.close());
    const big = join(outbox, 'big.bin');
    await writeFile(big, randomBytes(5000));
    const summary = await alice.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${bob.sipAddress.port};transport=tcp` }, [big]).done;
    expect(summary.files[0]?.failure).toMatchObject({ source: 'msrp-response', status: 413 });
    expect(logs.filter((e) => e.kind === 'msrp' && e['event'] === 'message-start')).toHaveLength(1);
  });

  it('an MSRP session told the peer\'s max-size refuses a larger message before sending', async () => {
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => endpoint.close());
    const session = endpoint.createSession();
    session.setPeerMaxSize(10);
    expect(session.peerMaxSize).toBe(10);
    const message = session.send([Buffer.alloc(11)], { size: 11, contentType: 'application/octet-stream' });
    await expect(message.done).rejects.toMatchObject({ code: 'ERR_MSRP_PEER_MAX_SIZE' });
    expect(message.bytesSent).toBe(0);
    session.close();
  });
});
