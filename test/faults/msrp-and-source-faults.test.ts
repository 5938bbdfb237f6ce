// Faults on the data path, in process: the MSRP connection reset mid-file (RST, not FIN), and the
// sender's file shrinking or vanishing while it is sent. Each ends with the user told the cause,
// nothing under the final name, no temporary data left and no handle leaked.

import { open, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { writeTestFile } from '../e2e/transfer-harness.ts';
import { expectNothingPublished } from './fault-checks.ts';
import { runtimePairPerTest, type RuntimePair } from './runtime-pair.ts';

const MiB = 1024 * 1024;
let pair: RuntimePair | undefined;
const pairs = runtimePairPerTest();

interface Told {
  sender: Array<{ source: string; message: string }>;
  receiver: string[];
}

function listen(p: RuntimePair, transfer: ReturnType<RuntimePair['sender']['send']>): Told {
  const told: Told = { sender: [], receiver: [] };
  transfer.on('file-failed', (f) => told.sender.push({ source: f.failure.source, message: f.failure.message }));
  p.receiver.on('file-failed', (f) => told.receiver.push(f.reason));
  return told;
}

const sessionEnd = (p: RuntimePair): Promise<void> => new Promise((resolve) => p.receiver.on('session-end', () => resolve()));

describe('data-path faults', () => {
  it('an MSRP connection reset mid-file fails the file on both sides with the cause', async () => {
    pair = await pairs.start();
    const file = join(pair.outbox, 'reset.bin');
    await writeTestFile(file, 16 * MiB);
    let seen = 0;
    pair.receiver.on('offer', (offer) => {
      const attach = (): void => {
        const socket: Socket | undefined = pair?.receiver.msrpSession(offer.transferId)?.connection?.socket;
        if (socket === undefined) { setTimeout(attach, 1); return; }
        socket.on('data', (d: Buffer) => {
          seen += d.length;
          if (seen >= 2 * MiB && !socket.destroyed) socket.resetAndDestroy();
        });
      };
      attach();
    });
    const ended = sessionEnd(pair);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const told = listen(pair, transfer);
    const summary = await transfer.done;
    await ended;
    expect(summary.ok).toBe(false);
    expect(told.sender).toEqual([{ source: 'connection', message: expect.stringMatching(/MSRP connection/) }]);
    expect(told.receiver).toEqual([expect.stringMatching(/aborted|dropped|closed/)]);
    await expectNothingPublished(pair.inbox);
    countWhenPassed('faults', 1);
  });

  it('the file shrinking during the send aborts the message with # and nothing is published', async () => {
    // Small chunks, one in flight: the send takes long enough to truncate the file under it.
    pair = await pairs.start({ sender: { chunkSize: 2048, window: 1 } });
    const file = join(pair.outbox, 'shrinks.bin');
    const size = 16 * MiB;
    await writeTestFile(file, size);
    const ended = sessionEnd(pair);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    let cut = false;
    transfer.on('progress', (p) => {
      if (cut || p.sent === 0) return;
      cut = true;
      void truncate(file, 12 * MiB);
    });
    const told = listen(pair, transfer);
    const summary = await transfer.done;
    await ended;
    expect(cut).toBe(true);
    expect(summary.ok).toBe(false);
    expect(told.sender).toEqual([{ source: 'local', message: expect.stringMatching(/shrinks\.bin changed during the send: read \d+ of 16777216 bytes/) }]);
    // The receiver normally sees the '#' end-line first ("sender aborted"); the BYE travels on
    // SIP/UDP, so under load it can overtake the '#' still queued on the paused MSRP socket and
    // end the session first. Either way the file is dropped, never published.
    expect(told.receiver).toEqual([expect.stringMatching(/sender aborted|session ended before the file was complete/)]);
    await expectNothingPublished(pair.inbox);
    countWhenPassed('faults', 1);
  }, 30_000);

  it('the file changing (same size) during the send fails the hash check before the last 200', async () => {
    pair = await pairs.start({ sender: { chunkSize: 2048, window: 1 } });
    const file = join(pair.outbox, 'changes.bin');
    const size = 8 * MiB;
    await writeTestFile(file, size);
    const ended = sessionEnd(pair);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    let changed = false;
    transfer.on('progress', (p) => {
      if (changed || p.sent === 0) return;
      changed = true;
      // Overwrite the last MiB in place: same size, different content (and hash).
      void open(file, 'r+').then(async (h) => { await h.write(Buffer.alloc(MiB, 0x5a), 0, MiB, size - MiB); await h.close(); });
    });
    const told = listen(pair, transfer);
    const summary = await transfer.done;
    await ended;
    expect(changed).toBe(true);
    expect(summary.ok).toBe(false);
    // The receiver checks the hash before answering the last chunk, so the sender never sees 200.
    expect(told.sender).toEqual([{ source: 'msrp-response', message: expect.stringMatching(/refused/) }]);
    expect(told.receiver).toEqual([expect.stringMatching(/does not match the offered/)]);
    await expectNothingPublished(pair.inbox);
    countWhenPassed('faults', 1);
  }, 30_000);

  it('the file vanishing before its data is read fails it with the file and the reason', async () => {
    pair = await pairs.start();
    const file = join(pair.outbox, 'vanishes.bin');
    await writeTestFile(file, 1 * MiB);
    // The offer has gone out (hash and size were read); the data is read only once MSRP is up.
    pair.receiver.on('offer', () => { void unlink(file); });
    const ended = sessionEnd(pair);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const told = listen(pair, transfer);
    const summary = await transfer.done;
    await ended;
    expect(summary.ok).toBe(false);
    expect(told.sender).toEqual([{ source: 'local', message: expect.stringMatching(/cannot read .*vanishes\.bin after 0 of 1048576 bytes: ENOENT/) }]);
    await expectNothingPublished(pair.inbox);
    countWhenPassed('faults', 1);
  });

  it('a small file removed after its offer still arrives whole: it is sent from the bytes hashed for the offer', async () => {
    pair = await pairs.start();
    const file = join(pair.outbox, 'small-held.bin');
    await writeTestFile(file, 10 * 1024);
    const offered = await readFile(file);
    pair.receiver.on('offer', () => { void unlink(file); });
    const ended = sessionEnd(pair);
    const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const told = listen(pair, transfer);
    const summary = await transfer.done;
    await ended;
    expect(told).toEqual({ sender: [], receiver: [] });
    expect(summary.ok).toBe(true);
    expect((await readFile(join(pair.inbox, 'small-held.bin'))).equals(offered)).toBe(true);
  });
});
