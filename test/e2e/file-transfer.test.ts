// End-to-end file transfer between two real clients over loopback sockets: SIP over UDP and TCP,
// MSRP over TCP, files compared by SHA-1 on both ends.

import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectClient } from '../../src/client.ts';
import type { FileResult, FileFailure, OfferedFile } from '../../src/client-types.ts';
import { listDir, markHandles, sha1Of, startPair, writeTestFile, type Pair } from './transfer-harness.ts';

let pair: Pair | undefined;
beforeEach(markHandles);
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const MiB = 1024 * 1024;
const mlines = (sdp: string | undefined): string[] => (sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('m='));
const transferIds = (sdp: string | undefined): string[] =>
  (sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('a=file-transfer-id:')).map((l) => l.slice('a=file-transfer-id:'.length));

describe.each(['udp', 'tcp'] as const)('one file over SIP/%s', (transport) => {
  it.each([
    ['0-byte', 0],
    ['1-byte', 1],
    ['1 MiB', MiB],
    ['200 MiB', 200 * MiB],
  ])('%s file arrives byte for byte', async (_label, size) => {
    pair = await startPair(transport);
    const file = join(pair.outbox, `f-${size}.bin`);
    await writeTestFile(file, size);
    const progress: number[] = [];
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]);
    transfer.on('progress', (p) => progress.push(p.sent));
    const summary = await transfer.done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    expect(summary.files).toHaveLength(1);
    expect(await listDir(pair.inbox)).toEqual([`f-${size}.bin`]);
    const received = join(pair.inbox, `f-${size}.bin`);
    expect((await stat(received)).size).toBe(size);
    expect(await sha1Of(received)).toBe(await sha1Of(file));
    expect(progress.at(-1)).toBe(size);
    // 7.6.1 step 4.c then 7.6.2: the session ends with a BYE from the sender.
    expect(summary.decisions.map((d) => d.rule)).toContain('7.6.2');
    expect(pair.sip('sender').filter((r) => r.direction === 'sent').map((r) => r.method)).toEqual(['INVITE', 'ACK', 'BYE']);
  }, 120_000);
});

describe('several files and batches', () => {
  it('describes each file of one INVITE in its own m-line and receives them all [7.6.1-3]', async () => {
    pair = await startPair('tcp');
    const files = [join(pair.outbox, 'one.txt'), join(pair.outbox, 'two.bin'), join(pair.outbox, 'three.dat')];
    await Promise.all(files.map((f, i) => writeTestFile(f, 1000 * (i + 1) + 7)));
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, files).done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    expect(summary.files.map((f) => f.name)).toEqual(['one.txt', 'two.bin', 'three.dat']);
    expect(summary.decisions.map((d) => d.action)).toContain('one-mline-per-file');
    const invite = pair.sip('sender').find((r) => r.direction === 'sent' && r.method === 'INVITE');
    expect(mlines(invite?.body)).toHaveLength(3);
    expect(new Set(transferIds(invite?.body)).size).toBe(3);
    expect(await listDir(pair.inbox)).toEqual(['one.txt', 'three.dat', 'two.bin']);
    for (const f of files) expect(await sha1Of(join(pair.inbox, f.split('/').pop() as string))).toBe(await sha1Of(f));
  });

  it('sends a queued batch with a re-INVITE that reuses one m-line and closes the others with port 0 [7.6.1-4.b] [7.6.1-4.b.i] [7.6.1-4.b.ii]', async () => {
    pair = await startPair('udp');
    const first = [join(pair.outbox, 'a1.bin'), join(pair.outbox, 'a2.bin'), join(pair.outbox, 'a3.bin')];
    const second = join(pair.outbox, 'b1.bin');
    await Promise.all([...first, second].map((f) => writeTestFile(f, 50_000)));
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, first);
    transfer.queue([second]);
    const summary = await transfer.done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    expect(summary.files.map((f) => f.name)).toEqual(['a1.bin', 'a2.bin', 'a3.bin', 'b1.bin']);
    const sent = pair.sip('sender').filter((r) => r.direction === 'sent');
    expect(sent.map((r) => r.method)).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
    const [offer, reoffer] = sent.filter((r) => r.method === 'INVITE');
    const before = mlines(offer?.body);
    const after = mlines(reoffer?.body);
    expect(after).toHaveLength(3);
    expect(after[0]).not.toMatch(/^m=message 0 /);
    expect(after[1]).toMatch(/^m=message 0 TCP\/MSRP/);
    expect(after[2]).toMatch(/^m=message 0 TCP\/MSRP/);
    // The reused m-line carries a new file-transfer-id and a new MSRP session path.
    const oldIds = transferIds(offer?.body);
    const newIds = transferIds(reoffer?.body);
    expect(newIds[0]).not.toBe(oldIds[0]);
    const paths = (sdp: string | undefined) => (sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('a=path:'));
    expect(paths(reoffer?.body)[0]).not.toBe(paths(offer?.body)[0]);
    expect(before).toHaveLength(3);
    expect(summary.decisions.map((d) => d.action)).toEqual(expect.arrayContaining(['check-pending-files', 'send-reinvite', 'reuse-mline', 'close-unused-mline', 'send-bye']));
    expect(await listDir(pair.inbox)).toEqual(['a1.bin', 'a2.bin', 'a3.bin', 'b1.bin']);
    expect(await sha1Of(join(pair.inbox, 'b1.bin'))).toBe(await sha1Of(second));
  });

  it('waits for the success REPORT before the re-INVITE and the BYE [7.6.1-4.b] [7.6.2]', async () => {
    pair = await startPair('tcp', { sender: { successReport: true } });
    const a = join(pair.outbox, 'a.bin');
    const b = join(pair.outbox, 'b.bin');
    await writeTestFile(a, 300_000);
    await writeTestFile(b, 300_000);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [a]);
    transfer.queue([b]);
    const summary = await transfer.done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    const senderLogs = pair.logs.filter((e) => e['side'] === 'sender');
    const reports = senderLogs.map((e, i) => (e.kind === 'msrp' && e['method'] === 'REPORT' ? i : -1)).filter((i) => i >= 0);
    const invites = senderLogs.map((e, i) => (e.kind === 'sip' && e.direction === 'sent' && e['method'] === 'INVITE' ? i : -1)).filter((i) => i >= 0);
    const bye = senderLogs.findIndex((e) => e.kind === 'sip' && e.direction === 'sent' && e['method'] === 'BYE');
    expect(reports).toHaveLength(2);
    expect(invites).toHaveLength(2);
    expect(reports[0]).toBeLessThan(invites[1] as number);
    expect(reports[1]).toBeLessThan(bye);
    const step4 = senderLogs.filter((e) => e.kind === 'rule' && e['event'] === 'success-report-received' && e['action'] !== undefined).map((e) => e['action']);
    // The MAY of 4.a is answered by checkPendingFiles (default yes) and logged as a choice.
    expect(senderLogs.filter((e) => e['decisionPoint'] === 'check-pending-files').map((e) => e['decided'])).toEqual([true, true]);
    expect(step4).toEqual(['check-pending-files', 'send-reinvite', 'reuse-mline', 'check-pending-files', 'follow-clause']);
    // The 200s still raise last-send-acknowledged (logged with its facts), but no rule acts on it.
    expect(senderLogs.some((e) => e.kind === 'rule' && e['event'] === 'last-send-acknowledged' && e['action'] !== undefined)).toBe(false);
  });
});

describe('failures', () => {
  it('a file the receiver declines gets port 0 and fails at the sender; the other arrives', async () => {
    pair = await startPair('udp', { receive: { accept: (o: OfferedFile) => o.name !== 'no.bin' } });
    const yes = join(pair.outbox, 'yes.bin');
    const no = join(pair.outbox, 'no.bin');
    await writeTestFile(yes, 5000);
    await writeTestFile(no, 5000);
    const failed: FileResult[] = [];
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [yes, no]);
    transfer.on('file-failed', (f) => failed.push(f));
    const summary = await transfer.done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(false);
    expect(failed.map((f) => [f.name, f.failure?.source])).toEqual([['no.bin', 'sip-response']]);
    const answer = pair.sip('sender').find((r) => r.direction === 'received' && r.method === 'INVITE' && r.status === 200);
    expect(mlines(answer?.body)[1]).toMatch(/^m=message 0 /);
    expect(await listDir(pair.inbox)).toEqual(['yes.bin']);
  });

  it('a declined single file is answered 603 and fails with that status', async () => {
    pair = await startPair('tcp', { receive: { accept: () => false } });
    const file = join(pair.outbox, 'x.bin');
    await writeTestFile(file, 10);
    const failed: FileFailure[] = [];
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]);
    transfer.on('file-failed', (f) => failed.push(f.failure));
    const summary = await transfer.done;
    expect(summary.ok).toBe(false);
    expect(failed).toEqual([expect.objectContaining({ source: 'sip-response', status: 603 })]);
    expect(summary.files[0]?.failure?.status).toBe(603);
    expect(await listDir(pair.inbox)).toEqual([]);
  });

  it("beyond the receiver's max-size the SEND gets 413 and the sender indicates the failure (7.6.1-5) [7.6.1-5]", async () => {
    // The sender honours a=max-size as a per-message limit (RFC 4975) and would not even try; the
    // per-chunk reading some SBCs use lets the SEND reach the receiver, which refuses it with 413.
    pair = await startPair('tcp', { receive: { maxSize: 100_000, accept: () => true }, sender: { peerMaxSizeScope: 'chunk' } });
    const file = join(pair.outbox, 'big.bin');
    await writeTestFile(file, 500_000);
    const failed: FileFailure[] = [];
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]);
    transfer.on('file-failed', (f) => failed.push(f.failure));
    const summary = await transfer.done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(false);
    expect(failed).toEqual([expect.objectContaining({ source: 'msrp-response', status: 413 })]);
    expect(summary.decisions).toContainEqual({ rule: '7.6.1-5', action: 'indicate-transfer-failed', args: [] });
    // The failed file counts as done: step 4 still releases the session.
    expect(pair.sip('sender').some((r) => r.direction === 'sent' && r.method === 'BYE')).toBe(true);
    expect(await listDir(pair.inbox)).toEqual([]);
  });

  it('a dropped MSRP connection fails the file at the sender and leaves no file at the receiver', async () => {
    pair = await startPair('udp');
    const file = join(pair.outbox, 'drop.bin');
    await writeTestFile(file, 64 * MiB);
    const receiverSide = inspectClient(pair.receiver);
    let dropped = false;
    pair.receiver.on('progress', (p) => {
      // The first progress event comes with the first chunk; later ones at most every 100 ms, by
      // which time a fast machine may have received the whole file. Cut at the first, mid-file.
      if (dropped || p.received === 0 || p.received === p.total) return;
      dropped = true;
      receiverSide?.receivers[0]?.msrpSession(p.transferId)?.connection?.socket.destroy();
    });
    const failed: FileFailure[] = [];
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]);
    transfer.on('file-failed', (f) => failed.push(f.failure));
    const summary = await transfer.done;
    await pair.sessionEnd();
    expect(dropped).toBe(true);
    expect(summary.ok).toBe(false);
    expect(failed).toEqual([expect.objectContaining({ source: 'connection' })]);
    expect(pair.sip('sender').some((r) => r.direction === 'sent' && r.method === 'BYE')).toBe(true);
    expect(await listDir(pair.inbox)).toEqual([]);
  });

  it('a hostile offered file name lands safely inside the folder', async () => {
    pair = await startPair('tcp');
    const hostile = '..\\..\\evil "name".txt';
    const file = join(pair.outbox, hostile);
    await writeFile(file, 'payload');
    const received: string[] = [];
    pair.receiver.on('file-received', (f) => received.push(f.path));
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]).done;
    await pair.sessionEnd();
    expect(summary.ok).toBe(true);
    expect(received).toHaveLength(1);
    expect(dirname(received[0] as string)).toBe(pair.inbox);
    const names = await listDir(pair.inbox);
    expect(names).toHaveLength(1);
    expect(names[0]).not.toMatch(/[\\/]/);
    expect(names[0]?.startsWith('.')).toBe(false);
    expect((await readdir(dirname(pair.inbox))).some((n) => n.includes('evil'))).toBe(false);
  });
});
