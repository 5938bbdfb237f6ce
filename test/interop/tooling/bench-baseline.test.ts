import { describe, expect, it } from 'vitest';
import { runBaseline } from '../../../bench/baseline.ts';

describe('benchmark baseline', () => {
  it('copies every byte and reports throughput and peak RSS (no assertion on time)', async () => {
    const result = await runBaseline({ sizeBytes: 4 * 1024 * 1024 + 123, sampleIntervalMs: 5 });
    expect(result.bytesReceived).toBe(result.sizeBytes);
    expect(result.megabytesPerSecond).toBeGreaterThan(0);
    expect(result.peakRssBytes).toBeGreaterThanOrEqual(result.rssBeforeBytes);
    expect(result.rssSamples).toBeGreaterThanOrEqual(2);
  });
});
