// The soak's memory judgement: the receiver's RSS is sampled through the run (after a forced
// collection, so the figure is live memory), and the run fails when RSS at the end is more than a
// bound above RSS at the middle. The first half is warm-up: V8's heap, the allocator's arenas and
// the session tables grow to their working size there, and a leak is what keeps growing after it.
// Medians of a few samples on each side keep one transient peak (a big file in flight) from
// deciding the verdict. A run too short for its middle to be past warm-up is not judged at all: its
// figures are still computed and shown, but a bound over them would measure warm-up, not leaks.

export interface RssSample {
  /** Milliseconds since the soak started. */
  readonly atMs: number;
  readonly rssBytes: number;
  /** The live heap, when the receiver reported it (not part of the verdict: RSS is what the host pays). */
  readonly heapUsedBytes?: number;
  readonly heapTotalBytes?: number;
  readonly externalBytes?: number;
  readonly newSpaceBytes?: number;
  /** The receiver ran a full collection just before this sample. */
  readonly afterGc?: boolean;
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
  /** Whether the growth was held against the bound; false for a run too short to judge. */
  readonly judged: boolean;
  /** Why the growth was not judged, e.g. 'run shorter than 120 s'; absent when judged. */
  readonly notJudged?: string;
  /** False only when the growth was judged and exceeded the bound. */
  readonly ok: boolean;
}

/** Default bound: RSS may grow at most this many percent over the last half of the run. */
export const DEFAULT_SOAK_RSS_GROWTH_PERCENT = 10;

/**
 * The shortest run whose RSS growth is judged. The receiver's RSS climbs for about its first minute
 * (V8 sizing its heap, the allocator's arenas and the file pipeline's buffers reaching their working
 * set), so in a run shorter than twice that the middle window still falls in the climb.
 */
export const MIN_JUDGED_SOAK_SECONDS = 120;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Judges samples (in time order) of a run of `durationMs`. A window with no sample takes the
 * sample nearest to it. A run shorter than `minJudgedSeconds` gets its figures but no verdict.
 */
export function judgeRssGrowth(samples: readonly RssSample[], durationMs: number, boundPercent = DEFAULT_SOAK_RSS_GROWTH_PERCENT, minJudgedSeconds = MIN_JUDGED_SOAK_SECONDS): RssVerdict {
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
  const figures = { samples: samples.length, midRssBytes: mid, endRssBytes: end, growth, boundPercent };
  if (durationMs < minJudgedSeconds * 1000) {
    return { ...figures, judged: false, notJudged: `run shorter than ${minJudgedSeconds} s`, ok: true };
  }
  return { ...figures, judged: true, ok: growth * 100 <= boundPercent };
}
