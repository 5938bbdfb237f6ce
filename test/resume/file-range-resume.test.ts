// RFC 5547 file-range resume end to end: a 20 MiB transfer is cut at about half by resetting the
// receiver's MSRP connection; the receiver keeps the gap-free prefix as a hidden resumable partial,
// the sender remembers how many bytes were acknowledged, and sending the same file again offers
// a=file-range:<next>-<size>. Only the remainder crosses the wire and the published file is
// byte-identical (sha-1 over the whole file).

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sha1Of, writeTestFile } from '../e2e/transfer-harness.ts';
import { runtimePairPerTest, type RuntimePair } from '../faults/runtime-pair.ts';

const MiB = 1024 * 1024;
let pair: RuntimePair | undefined;
const pairs = runtimePairPerTest();

/** Counts the bytes the receiver's MSRP socket gets for the next offered file; cuts it past `cutAt`. */
function watchReceiverSocket(p: RuntimePair, cutAt?: number): { bytes: () => number } {
  let bytes = 0;
  let armed = true;
  p.receiver.on('offer', (offer) => {
    if (!armed) return;
    armed = false;
    const attach = (): void => {
      const socket: Socket | undefined = p.receiver.msrpSession(offer.transferId)?.connection?.socket;
      if (socket === undefined) { setTimeout(attach, 1); return; }
      socket.on('data', (data: Buffer) => {
        bytes += data.length;
        if (cutAt !== undefined && bytes >= cutAt && !socket.destroyed) socket.resetAndDestroy();
      });
    };
    attach();
  });
  return { bytes: () => bytes };
}

const inviteOffers = (p: RuntimePair): string[] => p.sip.filter((m) => m.side === 'sender' && m.direction === 'sent' && m.method === 'INVITE' && m.status === undefined).map((m) => m.body);

describe('resume with a=file-range', () => {
  it('a 20 MiB transfer cut at half resumes with only the remainder on the wire', async () => {
    pair = await pairs.start({ receiver: { keepPartials: true }, sender: { waitTimeoutMs: 5000 } });
    const size = 20 * MiB;
    const file = join(pair.outbox, 'big.bin');
    await writeTestFile(file, size);

    // First attempt: the receiver's connection is reset after ~10 MiB.
    const cut = watchReceiverSocket(pair, 10 * MiB);
    const firstEnded = new Promise<void>((resolve) => pair!.receiver.on('session-end', () => resolve()));
    const first = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const firstFailures: string[] = [];
    first.on('file-failed', (f) => firstFailures.push(`${f.failure.source}: ${f.failure.message}`));
    const firstSummary = await first.done;
    expect(firstSummary.ok).toBe(false);
    expect(firstFailures).toEqual([expect.stringMatching(/^connection: /)]);
    expect(cut.bytes()).toBeGreaterThanOrEqual(10 * MiB);
    // Once the receiver's session is over: no published file, no temporary .part, only the
    // hidden resumable partial.
    await firstEnded;
    const afterCut = await readdir(pair.inbox);
    expect(afterCut).toEqual([expect.stringMatching(/^\.cpm-resume-[0-9a-f]{32}\.part$/)]);
    expect(pair.sender.resumeBook.size).toBe(1);

    // Second attempt: the same file is offered from the first unacknowledged byte.
    const wire = watchReceiverSocket(pair);
    const second = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const received: Array<{ path: string; hash: string }> = [];
    pair.receiver.on('file-received', (f) => received.push({ path: f.path, hash: f.hash }));
    const secondSummary = await second.done;
    expect(secondSummary.ok).toBe(true);

    const offers = inviteOffers(pair);
    expect(offers).toHaveLength(2);
    expect(offers[0]).not.toMatch(/a=file-range/);
    const range = /a=file-range:(\d+)-(\d+)\r\n/.exec(offers[1] ?? '');
    expect(range).not.toBeNull();
    const start = Number(range?.[1]);
    expect(Number(range?.[2])).toBe(size);
    // About half was acknowledged before the reset (loopback: the window may still be in flight).
    expect(start - 1).toBeGreaterThan(5 * MiB);
    expect(start - 1).toBeLessThanOrEqual(10 * MiB + 64 * 1024);
    // Only the remainder crossed the wire (plus MSRP framing, well under 1%).
    const remainder = size - (start - 1);
    expect(wire.bytes()).toBeGreaterThanOrEqual(remainder);
    expect(wire.bytes()).toBeLessThan(remainder * 1.01 + 4096);

    // The published file is the whole file, hash-checked, and nothing else is left in the folder.
    expect(received).toHaveLength(1);
    expect(await sha1Of(received[0]?.path ?? '')).toBe(await sha1Of(file));
    expect(await readdir(pair.inbox)).toEqual(['big.bin']);
    expect(pair.sender.resumeBook.size).toBe(0);
  }, 60_000);

  it('a receiver with no partial copy declines the ranged m-line; the next send is a full one', async () => {
    pair = await pairs.start({ receiver: { keepPartials: false }, sender: { waitTimeoutMs: 5000 } });
    const size = 4 * MiB;
    const file = join(pair.outbox, 'mid.bin');
    await writeTestFile(file, size);
    watchReceiverSocket(pair, 2 * MiB);
    const ended = new Promise<void>((resolve) => pair!.receiver.on('session-end', () => resolve()));
    expect((await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done).ok).toBe(false);
    // Once the receiver's session is over, the unfinished file's temporary data is gone too.
    await ended;
    expect(await readdir(pair.inbox)).toEqual([]);

    const declined = pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const reasons: string[] = [];
    declined.on('file-failed', (f) => reasons.push(f.failure.message));
    expect((await declined.done).ok).toBe(false);
    expect(reasons).toEqual([expect.stringMatching(/declined to resume mid\.bin from byte \d+/)]);

    const full = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done;
    expect(full.ok).toBe(true);
    const offers = inviteOffers(pair);
    expect(offers.map((o) => /a=file-range:/.test(o))).toEqual([false, true, false]);
    expect(await sha1Of(join(pair.inbox, 'mid.bin'))).toBe(await sha1Of(file));
  }, 60_000);
});
