// The soak's memory verdict: RSS at the run's end against RSS just after its middle (warm-up over),
// medians of the samples in each window, failing beyond the bound.
import { describe, expect, it } from 'vitest';
import { judgeRssGrowth, type RssSample } from '../../bench/soak-memory.ts';

const MiB = 2 ** 20;
/** One sample a second over `seconds`, RSS from `rss(t)` in MiB. */
const run = (seconds: number, rss: (t: number) => number): RssSample[] =>
  Array.from({ length: seconds }, (_, i) => ({ atMs: (i + 1) * 1000, rssBytes: Math.round(rss(i + 1) * MiB) }));

describe('judgeRssGrowth', () => {
  it('passes a receiver that grows during warm-up and then stays flat', () => {
    const v = judgeRssGrowth(run(100, (t) => (t < 40 ? 60 + t : 100 + (t % 3))), 100_000);
    expect(v.ok).toBe(true);
    expect(v.growth).toBeLessThan(0.05);
    expect(v.samples).toBe(100);
  });

  it('fails a receiver that keeps growing after warm-up (a leak), naming the growth', () => {
    // 97.5 -> 184.7 MiB over 300 s, linear: ~24 % from the middle windows to the last.
    const v = judgeRssGrowth(run(300, (t) => 97.5 + (87.2 * t) / 300), 300_000);
    expect(v.ok).toBe(false);
    expect(v.growth).toBeGreaterThan(0.2);
    expect(v.midRssBytes).toBeLessThan(v.endRssBytes);
  });

  it('takes medians, so one transient peak at the end does not fail the run', () => {
    const v = judgeRssGrowth(run(100, (t) => (t === 99 ? 300 : 80)), 100_000);
    expect(v.ok).toBe(true);
    expect(v.endRssBytes).toBe(80 * MiB);
  });

  it('honours the bound it is given and judges a run with a single sample', () => {
    const samples = run(100, (t) => (t <= 60 ? 100 : 106));
    expect(judgeRssGrowth(samples, 100_000, 10).ok).toBe(true);
    expect(judgeRssGrowth(samples, 100_000, 5).ok).toBe(false);
    expect(judgeRssGrowth([{ atMs: 500, rssBytes: 50 * MiB }], 12_000).ok).toBe(true);
    expect(() => judgeRssGrowth([], 1000)).toThrow(RangeError);
  });
});
