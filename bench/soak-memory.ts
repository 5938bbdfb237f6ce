// The soak's memory judgement: the receiver's RSS is sampled through the run (after a forced
// collection, so the figure is live memory), and the run fails when RSS at the end is more than a
// bound above RSS at the middle. The first half is warm-up: V8's heap, the allocator's arenas and
// the session tables grow to their working size there, and a leak is what keeps growing after it.
// Medians of a few samples on each side keep one transient peak (a big file in flight) from
// deciding the verdict.

export interface RssSample {
  /** Milliseconds since the soak started. */
  readonly atMs: number;
  readonly rssBytes: number;
}

export interface RssVerdict {
  readonly samples: number;
  /** Median RSS of the samples in the tenth of the run after its middle. */
  readonly midRssBytes: number;
  /** Median RSS of the samples in the run's last tenth. */
  readonly endRssBytes: number;
  /** (end - mid) / mid, e.g. 0.04 for 4 %. */
  readonly growth: number;
  readonly boundPercent: number;
  readonly ok: boolean;
}

/** Default bound: RSS may grow at most this many percent over the last half of the run. */
export const DEFAULT_SOAK_RSS_GROWTH_PERCENT = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Judges samples (in time order) of a run of `durationMs`. A window with no sample takes the
 * sample nearest to it, so a short run (the smoke test) is judged too, only more coarsely.
 */
export function judgeRssGrowth(samples: readonly RssSample[], durationMs: number, boundPercent = DEFAULT_SOAK_RSS_GROWTH_PERCENT): RssVerdict {
  if (samples.length === 0) throw new RangeError('judgeRssGrowth needs at least one sample');
  const window = (from: number, to: number, fallback: RssSample): number => {
    const inside = samples.filter((s) => s.atMs >= from && s.atMs <= to).map((s) => s.rssBytes);
    return inside.length > 0 ? median(inside) : fallback.rssBytes;
  };
  const centre = durationMs * 0.55;
  const nearest = samples.reduce((best, s) => (Math.abs(s.atMs - centre) < Math.abs(best.atMs - centre) ? s : best));
  const mid = window(durationMs * 0.5, durationMs * 0.6, nearest);
  const end = window(durationMs * 0.9, Number.POSITIVE_INFINITY, samples[samples.length - 1] as RssSample);
  const growth = (end - mid) / mid;
  return { samples: samples.length, midRssBytes: mid, endRssBytes: end, growth, boundPercent, ok: growth * 100 <= boundPercent };
}
