// How many inputs each fuzzer tries: its base count times CPM_FT_FUZZ_SCALE (default 1), the one
// setting every fuzz property reads, so a campaign (`npm run fuzz`, scale 10) can raise them all.
// CPM_FT_FUZZ_TIME_LIMIT_MS, when set, stops each property after that long (fast-check's
// interruptAfterTimeLimit), so a large scale still ends within a time budget.

/** The scale from the environment: a positive number, 1 when unset; anything else is an error. */
export function fuzzScale(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['CPM_FT_FUZZ_SCALE'];
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`CPM_FT_FUZZ_SCALE must be a positive number, got '${text}'`);
  return scale;
}

/** fast-check parameters for a property whose base count is `base` runs. */
export function fuzzRuns(base: number, env: NodeJS.ProcessEnv = process.env): { numRuns: number; interruptAfterTimeLimit?: number } {
  const numRuns = Math.max(1, Math.round(base * fuzzScale(env)));
  const limit = Number(env['CPM_FT_FUZZ_TIME_LIMIT_MS'] ?? '');
  return Number.isFinite(limit) && limit > 0 ? { numRuns, interruptAfterTimeLimit: limit } : { numRuns };
}
