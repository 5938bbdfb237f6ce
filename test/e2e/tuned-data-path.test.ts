// The sender's data path on the wire (runtime/transfer/peer-data-path.ts): tuned, every SEND of
// the file carries Failure-Report: partial and Success-Report: yes in 1 MiB chunks, the file is
// delivered on the success REPORT and step 4 runs on success-report-received; untuned (a peer
// that does not say it is cpm-ft), 64 KiB chunks with the default Failure-Report.
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TransferLogEvent } from '../../runtime/transfer/transfer-types.ts';
import { sha1Of, writeTestFile } from './transfer-harness.ts';
import { runtimePairPerTest, type RuntimePair } from '../faults/runtime-pair.ts';

const pairs = runtimePairPerTest();
const MiB = 1024 * 1024;

/** Every byte the receiver's MSRP connection reads for the next offered file. */
function tapReceiver(p: RuntimePair): () => string {
  const seen: Buffer[] = [];
  let armed = true;
  p.receiver.on('offer', (offer) => {
    if (!armed) return;
    armed = false;
    const attach = (): void => {
      const socket: Socket | undefined = p.receiver.msrpSession(offer.transferId)?.connection?.socket;
      if (socket === undefined) { setTimeout(attach, 1); return; }
      socket.on('data', (data: Buffer) => seen.push(data));
    };
    attach();
  });
  return () => Buffer.concat(seen).toString('latin1');
}

/** The SEND heads that carry file bytes (the empty bind SEND has no Content-Type). */
const fileSendHeads = (wire: string): string[] =>
  [...wire.matchAll(/MSRP \S+ SEND\r\n[\s\S]*?\r\n\r\n/g)].map((m) => m[0]).filter((h) => h.includes('Content-Type:'));

const byteRangeEnds = (heads: readonly string[]): number[] => heads.map((h) => Number(/Byte-Range: \d+-(\d+)\//.exec(h)?.[1]));

describe('sender data path', () => {
  it('tuned: 1 MiB chunks with Failure-Report: partial, delivered on the success REPORT, step 4 on success-report-received', async () => {
    const log: TransferLogEvent[] = [];
    const pair = await pairs.start({ sender: { peerTuning: 'always', log: (e) => log.push(e) } });
    const size = 3 * MiB + 1000;
    const file = join(pair.outbox, 'tuned.bin');
    await writeTestFile(file, size);
    const wire = tapReceiver(pair);
    const received: string[] = [];
    pair.receiver.on('file-received', (f) => received.push(f.hash));
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done;
    expect(summary.ok).toBe(true);
    const hex = (h: string): string => h.replaceAll(':', '').toLowerCase();
    expect(received.map(hex)).toEqual([hex(await sha1Of(file))]);
    const heads = fileSendHeads(wire());
    expect(heads).toHaveLength(Math.ceil(size / MiB));
    expect(heads.every((h) => /\r\nFailure-Report: partial\r\n/.test(h) && /\r\nSuccess-Report: yes\r\n/.test(h))).toBe(true);
    expect(byteRangeEnds(heads)).toEqual([MiB, 2 * MiB, 3 * MiB, size]);
    expect(log.some((e) => e.kind === 'msrp' && e['event'] === 'message-acknowledged' && e['by'] === 'success-report')).toBe(true);
    expect(log.some((e) => e.kind === 'rule' && JSON.stringify(e).includes('success-report-received'))).toBe(true);
  });

  it('untuned toward a peer that does not say it is cpm-ft: 64 KiB chunks, default Failure-Report', async () => {
    const pair = await pairs.start();
    const size = 300_000;
    const file = join(pair.outbox, 'plain.bin');
    await writeTestFile(file, size);
    const wire = tapReceiver(pair);
    const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done;
    expect(summary.ok).toBe(true);
    const heads = fileSendHeads(wire());
    expect(heads).toHaveLength(Math.ceil(size / (64 * 1024)));
    expect(heads.some((h) => h.includes('Failure-Report:') || h.includes('Success-Report:'))).toBe(false);
  });
});
