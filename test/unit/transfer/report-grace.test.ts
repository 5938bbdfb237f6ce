// The late failure REPORT grace (RFC 4975 §7.1.2) follows the link: a few round trips of the last
// chunk, with a floor for Nagle + delayed ACK and the former 500 ms as a ceiling.

import { describe, expect, it, afterEach } from 'vitest';
import { REPORT_GRACE_CEILING_MS, REPORT_GRACE_FLOOR_MS, adaptiveReportGrace } from '../../../runtime/transfer/file-transfer-sender.ts';
import { connected, memorySink, patterned } from '../msrp/helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

describe('adaptiveReportGrace', () => {
  it('is a few RTTs between the floor and the ceiling', () => {
    expect(adaptiveReportGrace(0.5)).toBe(REPORT_GRACE_FLOOR_MS);
    expect(adaptiveReportGrace(40)).toBe(160);
    expect(adaptiveReportGrace(10_000)).toBe(REPORT_GRACE_CEILING_MS);
    // No measurement (Failure-Report other than yes): the full ceiling.
    expect(adaptiveReportGrace(undefined)).toBe(REPORT_GRACE_CEILING_MS);
    expect(REPORT_GRACE_FLOOR_MS).toBeLessThan(REPORT_GRACE_CEILING_MS);
  });

  it('an outgoing message measures its last chunk\'s round trip on loopback', async () => {
    const got = memorySink(5000);
    const p = await connected({ delegate: { onMessageStart: () => got.sink } });
    cleanups.push(p.close);
    const started = performance.now();
    const message = p.active.send([patterned(5000)], { size: 5000, contentType: 'application/octet-stream', chunkSize: 2000 });
    expect(message.lastChunkRttMs).toBeUndefined();
    await message.done;
    const elapsed = performance.now() - started;
    const rtt = message.lastChunkRttMs ?? -1;
    // A measurement of the last chunk alone: it lies within the whole message's time, however loaded the
    // machine (no wall-clock bound here).
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThanOrEqual(elapsed);
  });
});
