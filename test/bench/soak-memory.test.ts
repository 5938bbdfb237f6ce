// The soak's memory verdict: RSS at the run's end against RSS just after its middle (warm-up over),
// medians of the samples in each window, failing beyond the bound.
import { describe, expect, it } from 'vitest';
import { judgeRssGrowth, MIN_JUDGED_SOAK_SECONDS, type RssSample } from '../../bench/soak-memory.ts';

const MiB = 2 ** 20;
/** One sample a second over `seconds`, RSS from `rss(t)` in MiB. */
const run = (seconds: number, rss: (t: number) => number): RssSample[] =>
  Array.from({ length: seconds }, (_, i) => ({ atMs: (i + 1) * 1000, rssBytes: Math.round(rss(i + 1) * MiB) }));

describe('judgeRssGrowth', () => {
  it('passes a receiver that grows during warm-up and then stays flat', () => {
    const v = judgeRssGrowth(run(200, (t) => (t < 80 ? 60 + t / 2 : 100 + (t % 3))), 200_000);
    expect(v.ok).toBe(true);
    expect(v.growth).toBeLessThan(0.05);
    expect(v.samples).toBe(200);
    expect(v.judged).toBe(true);
  });

  it('fails a receiver that keeps growing after warm-up (a leak), naming the growth', () => {
    // 97.5 -> 184.7 MiB over 300 s, linear: ~24 % from the middle windows to the last.
    const v = judgeRssGrowth(run(300, (t) => 97.5 + (87.2 * t) / 300), 300_000);
    expect(v.ok).toBe(false);
    expect(v.growth).toBeGreaterThan(0.2);
    expect(v.midRssBytes).toBeLessThan(v.endRssBytes);
  });

  it('takes medians, so one transient peak at the end does not fail the run', () => {
    const v = judgeRssGrowth(run(200, (t) => (t === 199 ? 300 : 80)), 200_000);
    expect(v.ok).toBe(true);
    expect(v.endRssBytes).toBe(80 * MiB);
  });

  it('honours the bound it is given and judges a run with a single sample', () => {
    const samples = run(200, (t) => (t <= 120 ? 100 : 106));
    expect(judgeRssGrowth(samples, 200_000, 10).ok).toBe(true);
    expect(judgeRssGrowth(samples, 200_000, 5).ok).toBe(false);
    expect(judgeRssGrowth([{ atMs: 500, rssBytes: 50 * MiB }], MIN_JUDGED_SOAK_SECONDS * 1000)).toMatchObject({ judged: true, ok: true });
    expect(() => judgeRssGrowth([], 1000)).toThrow(RangeError);
  });

  it('does not judge a run shorter than the minimum, growing or not, but still computes its figures', () => {
    // 12 s of a receiver still warming up: +19 % from the middle (6-7 s) to the end (11-12 s).
    const short = judgeRssGrowth(run(12, (t) => 60 + 3 * t), 12_000);
    expect(short).toMatchObject({ judged: false, notJudged: `run shorter than ${MIN_JUDGED_SOAK_SECONDS} s`, ok: true, samples: 12 });
    expect(short.midRssBytes).toBe(79.5 * MiB);
    expect(short.endRssBytes).toBe(94.5 * MiB);
    expect(short.growth).toBeGreaterThan(0.15);
    // The same growth over a run just long enough is judged, and fails.
    const seconds = MIN_JUDGED_SOAK_SECONDS;
    const judged = judgeRssGrowth(run(seconds, (t) => 60 + t), seconds * 1000);
    expect(judged).toMatchObject({ judged: true, ok: false });
    expect(judged.notJudged).toBeUndefined();
    // A lower minimum judges the short run: the minimum, not a looser bound, is what spares it.
    expect(judgeRssGrowth(run(12, (t) => 60 + 3 * t), 12_000, 10, 10)).toMatchObject({ judged: true, ok: false });
  });
});
