// Less common paths: SIP timeouts, closing the client mid-transfer, and a receiver whose m-line is
// closed by a re-INVITE while a file is still arriving.

import { createSocket } from 'node:dgram';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTransferProcedures } from '../../src/procedures.ts';
import type { FileFailure } from '../../src/client-types.ts';
import {
  FileTransferSender,
  MsrpEndpoint,
  buildFileMedia,
  buildReoffer,
  buildSessionOffer,
  createUdpTransport,
  createUserAgent,
  getPath,
  parseMsrpPath,
  parseSessionDescription,
  prepareFile,
  serializeSessionDescription,
} from '../../runtime/index.ts';
import { listDir, markHandles, startPair, writeTestFile, type Pair } from './transfer-harness.ts';

let pair: Pair | undefined;
beforeEach(markHandles);
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('edge cases', () => {
  it('an INVITE nobody answers times out: the file fails with source timeout and status 408', async () => {
    pair = await startPair('udp');
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    // RFC 3261 §17.1.1.2: Timer B is 64*T1; a 5 ms T1 keeps the test short.
    const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', timers: { T1: 5 } });
    const sender = new FileTransferSender({ ua, endpoint, procedures: fileTransferProcedures });
    try {
      const file = join(pair.outbox, 't.bin');
      await writeTestFile(file, 100);
      const failures: FileFailure[] = [];
      const transfer = sender.send({ kind: 'one-recipient', uri: `sip:nobody@127.0.0.1:${(silent.address()).port}` }, [file]);
      transfer.on('file-failed', (f) => failures.push(f.failure));
      const summary = await transfer.done;
      expect(summary.ok).toBe(false);
      expect(failures).toEqual([expect.objectContaining({ source: 'timeout', status: 408 })]);
    } finally {
      await sender.close();
      ua.close();
      await endpoint.close();
      await transport.close();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('closing the client while the INVITE waits for an answer ends the transfer at once', async () => {
    pair = await startPair('udp');
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const file = join(pair.outbox, 'w.bin');
      await writeTestFile(file, 10);
      const transfer = pair.sender.send({ kind: 'one-recipient', uri: `sip:nobody@127.0.0.1:${silent.address().port}` }, [file]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await pair.sender.close();
      const summary = await transfer.done;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(summary.ok).toBe(false);
      expect(summary.files[0]?.failure?.source).toBe('local');
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('closing the sending client mid-file fails the file locally, sends BYE, and the receiver keeps nothing', async () => {
    pair = await startPair('tcp', { sender: { chunkSize: 16 * 1024 } });
    const file = join(pair.outbox, 'big.bin');
    await writeTestFile(file, 128 * 1024 * 1024);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]);
    let closing: Promise<void> | undefined;
    pair.receiver.on('progress', (p) => { if (p.received > 1024 * 1024) closing ??= pair?.sender.close(); });
    const summary = await transfer.done;
    await closing;
    await pair.sessionEnd();
    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure?.source).toBe('local');
    expect(pair.sip('sender').some((r) => r.direction === 'sent' && r.method === 'BYE')).toBe(true);
    expect(await listDir(pair.inbox)).toEqual([]);
  });

  it('a re-INVITE closing an m-line with port 0 aborts the unfinished file there', async () => {
    pair = await startPair('udp');
    const receiverFailed: string[] = [];
    const failedSeen = new Promise<void>((resolve) => pair?.receiver.on('file-failed', (f) => { receiverFailed.push(f.reason); resolve(); }));
    const firstBytes = new Promise<void>((resolve) => pair?.receiver.on('progress', () => resolve()));
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1' });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => { release = resolve; });
    try {
      const path = join(pair.outbox, 'partial.bin');
      await writeTestFile(path, 1024 * 1024);
      const file = await prepareFile(path);
      const session = endpoint.createSession({});
      const offer = buildSessionOffer('127.0.0.1', [
        buildFileMedia(file, fileTransferProcedures, { path: [session.localPathText], port: endpoint.port, transferId: 'partial-1', withFileAttributes: true }),
      ]);
      const result = await ua.invite(pair.receiverUri, { body: serializeSessionDescription(offer), contentType: 'application/sdp' });
      expect(result.kind).toBe('accepted');
      if (result.kind !== 'accepted') return;
      const answer = parseSessionDescription(result.response.body.toString());
      expect(answer.ok).toBe(true);
      if (!answer.ok) return;
      const remote = parseMsrpPath(getPath(answer.value.media[0]!).join(' '));
      if (!remote.ok) throw remote.error;
      session.setRemotePath(remote.value);
      await session.waitBound();
      // Half the file, then the source stalls: the receiver holds an unfinished file.
      async function* source(): AsyncGenerator<Buffer> {
        yield Buffer.alloc(512 * 1024, 7);
        await gate;
      }
      const message = session.send(source(), { size: file.size, contentType: file.type });
      await firstBytes;
      const reoffer = buildReoffer(offer, [{ kind: 'close' }]);
      if (!reoffer.ok) throw reoffer.error;
      const { response } = await ua.reinvite(result.dialog, serializeSessionDescription(reoffer.value), 'application/sdp');
      expect(response.status).toBe(200);
      expect(response.body.toString()).toMatch(/m=message 0 TCP\/MSRP/);
      await failedSeen;
      expect(receiverFailed[0]).toMatch(/closed by a re-INVITE/);
      message.abort();
      await ua.bye(result.dialog);
      await pair.sessionEnd();
      expect(await listDir(pair.inbox)).toEqual([]);
    } finally {
      release();
      ua.close();
      await endpoint.close();
      await transport.close();
    }
  });

  it('an offered name with path traversal (crafted SDP) is published inside the folder only', async () => {
    pair = await startPair('udp');
    const received: string[] = [];
    pair.receiver.on('file-received', (f) => received.push(f.path));
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    const ua = createUserAgent({ transports: [transport], localUri: 'sip:mallory@127.0.0.1' });
    try {
      const path = join(pair.outbox, 'innocent.bin');
      await writeTestFile(path, 4096);
      const real = await prepareFile(path);
      const file = { ...real, name: '../../../escape.bin' };
      const session = endpoint.createSession({});
      const offer = buildSessionOffer('127.0.0.1', [
        buildFileMedia(file, fileTransferProcedures, { path: [session.localPathText], port: endpoint.port, transferId: 'evil-1', withFileAttributes: true }),
      ]);
      expect(serializeSessionDescription(offer)).toContain('name:"../../../escape.bin"');
      const result = await ua.invite(pair.receiverUri, { body: serializeSessionDescription(offer), contentType: 'application/sdp' });
      if (result.kind !== 'accepted') throw new Error('not accepted');
      const answer = parseSessionDescription(result.response.body.toString());
      if (!answer.ok) throw answer.error;
      const remote = parseMsrpPath(getPath(answer.value.media[0]!).join(' '));
      if (!remote.ok) throw remote.error;
      session.setRemotePath(remote.value);
      await session.waitBound();
      await session.send([await readFile(path)], { size: file.size, contentType: file.type }).done;
      await ua.bye(result.dialog);
      await pair.sessionEnd();
      expect(received).toHaveLength(1);
      expect(dirname(received[0] as string)).toBe(pair.inbox);
      const names = await listDir(pair.inbox);
      expect(names).toHaveLength(1);
      expect(names[0]).not.toContain('/');
      expect((await readdir(dirname(pair.inbox))).includes('escape.bin')).toBe(false);
    } finally {
      ua.close();
      await endpoint.close();
      await transport.close();
    }
  });
});
