// The receiver's disk lets it down: a folder on a 1 MiB tmpfs that fills up mid-file (ENOSPC, the
// real thing: we run as root and can mount), a read-only tmpfs, and a folder path whose parent is a
// regular file (chmod 0555 would not stop root). The sender is told why, and nothing that looks like
// a received file (or temporary data) stays behind.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { writeTestFile } from '../e2e/transfer-harness.ts';
import { expectNothingPublished } from './fault-checks.ts';
import { startRuntimePair, type RuntimePair } from './runtime-pair.ts';

const MiB = 1024 * 1024;
let pair: RuntimePair | undefined;
let before: HandleSnapshot;
const mounts: string[] = [];
beforeEach(async () => { before = await snapshotHandles(); });
afterEach(async () => {
  await pair?.close();
  pair = undefined;
  for (const dir of mounts.splice(0)) {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  }
  await assertNoLeakedHandles(before, 2000);
});

/** A fresh tmpfs of `size` (e.g. '1m'); undefined where mounting is not allowed. */
async function tinyTmpfs(size: string, readOnly = false): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

const canMount = await (async () => {
  const dir = await tinyTmpfs('64k');
  if (dir === undefined) return false;
  execFileSync('umount', [dir]);
  mounts.splice(mounts.indexOf(dir), 1);
  await rm(dir, { recursive: true, force: true });
  return true;
})();

async function sendOne(p: RuntimePair, size: number) {
  const file = join(p.outbox, 'payload.bin');
  await writeTestFile(file, size);
  const transfer = p.sender.send({ kind: 'one-recipient', uri: p.uri() }, [file]);
  const told: Array<{ source: string; status: number | undefined; message: string }> = [];
  const receiverTold: string[] = [];
  transfer.on('file-failed', (f) => told.push({ source: f.failure.source, status: f.failure.status, message: f.failure.message }));
  p.receiver.on('file-failed', (f) => receiverTold.push(f.reason));
  const summary = await transfer.done;
  return { summary, told, receiverTold };
}

describe('receiver disk faults', () => {
  it.runIf(canMount)('a disk that fills up mid-file (1 MiB tmpfs, ENOSPC) fails the file with the cause', async () => {
    const inbox = await tinyTmpfs('1m');
    pair = await startRuntimePair({ inbox: inbox as string });
    const ended = new Promise<void>((resolve) => pair!.receiver.on('session-end', () => resolve()));
    const { summary, told, receiverTold } = await sendOne(pair, 4 * MiB);
    await ended;
    expect(summary.ok).toBe(false);
    // RFC 4975 §7.2: the chunk that could not be stored got an error response, so the sender
    // stopped; the MSRP layer answers a failing sink with 413, the receiver names the cause.
    expect(told).toEqual([{ source: 'msrp-response', status: 413, message: expect.stringMatching(/refused: 413/) }]);
    expect(receiverTold).toEqual([expect.stringMatching(/ENOSPC/)]);
    await expectNothingPublished(pair.inbox);
    countWhenPassed('faults', 1);
  }, 20_000);

  it.runIf(canMount)('with keepPartials, a file refused for ENOSPC keeps no part: a resend starts from byte 1', async () => {
    const inbox = await tinyTmpfs('1m');
    pair = await startRuntimePair({ inbox: inbox as string, receiver: { keepPartials: true } });
    const events: string[] = [];
    pair.receiver.on('file-failed', (f) => events.push(f.reason));
    const ended = new Promise<void>((resolve) => pair!.receiver.on('session-end', () => resolve()));
    const { summary, told } = await sendOne(pair, 4 * MiB);
    await ended;
    expect(summary.ok).toBe(false);
    expect(told).toEqual([{ source: 'msrp-response', status: 413, message: expect.stringMatching(/refused: 413/) }]);
    // Neither a resume part on the receiver nor a restart point on the sender: nothing could resume.
    await expectNothingPublished(pair.inbox);
    expect(pair.sender.resumeBook.entries()).toEqual([]);
    expect(events).toEqual([expect.stringMatching(/ENOSPC/)]);
    countWhenPassed('faults', 1);
  }, 20_000);

  it.runIf(canMount)('a read-only folder refuses the offer before any data is sent', async () => {
    const inbox = await tinyTmpfs('1m', true);
    pair = await startRuntimePair({ inbox: inbox as string });
    const { summary, told, receiverTold } = await sendOne(pair, 64 * 1024);
    expect(summary.ok).toBe(false);
    // The receiver's application hears the accepted offer failed, and the sender reads why in the
    // 488's Warning (RFC 3261 §20.43), not a bare status.
    expect(receiverTold).toEqual([expect.stringMatching(/^cannot store payload\.bin in the receiving folder: .*EROFS/)]);
    expect(told).toEqual([{ source: 'sip-response', status: 488, message: expect.stringMatching(/^488 Not Acceptable Here: the receiver says "cannot store payload\.bin in the receiving folder: .*EROFS/) }]);
    await expectNothingPublished(pair.inbox);
    countWhenPassed('faults', 1);
  });

  it('a folder whose parent is a regular file refuses the offer (root ignores chmod 0555)', async () => {
    const base = await mkdtemp(join(tmpdir(), 'cpm-ft-notdir-'));
    try {
      await writeFile(join(base, 'plain-file'), 'not a folder');
      pair = await startRuntimePair({ inbox: join(base, 'plain-file', 'inbox') });
      const { summary, told, receiverTold } = await sendOne(pair, 64 * 1024);
      expect(summary.ok).toBe(false);
      expect(receiverTold).toEqual([expect.stringMatching(/^cannot store payload\.bin in the receiving folder: .*ENOTDIR/)]);
      expect(told).toEqual([{ source: 'sip-response', status: 488, message: expect.stringMatching(/^488 Not Acceptable Here: the receiver says "cannot store payload\.bin .*ENOTDIR/) }]);
      countWhenPassed('faults', 1);
    } finally {
      await pair?.close();
      pair = undefined;
      await rm(base, { recursive: true, force: true });
    }
  });
});
