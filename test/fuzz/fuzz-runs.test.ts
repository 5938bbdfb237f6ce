// Every fuzz property reads its run count from the one setting (CPM_FT_FUZZ_SCALE through
// fuzzRuns), so `npm run fuzz` scales them all; a literal numRuns in a fuzz file would escape it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzzRuns, fuzzScale } from '../helpers/fuzz-runs.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));

describe('fuzz run counts', () => {
  it('scale the base count by CPM_FT_FUZZ_SCALE, with an optional time limit per property', () => {
    expect(fuzzRuns(1500, {})).toEqual({ numRuns: 1500 });
    expect(fuzzRuns(1500, { CPM_FT_FUZZ_SCALE: '10' })).toEqual({ numRuns: 15000 });
    expect(fuzzRuns(3, { CPM_FT_FUZZ_SCALE: '0.1' })).toEqual({ numRuns: 1 });
    expect(fuzzRuns(100, { CPM_FT_FUZZ_SCALE: '2', CPM_FT_FUZZ_TIME_LIMIT_MS: '5000' })).toEqual({ numRuns: 200, interruptAfterTimeLimit: 5000 });
    expect(() => fuzzScale({ CPM_FT_FUZZ_SCALE: 'ten' })).toThrow(/positive number/);
    expect(() => fuzzScale({ CPM_FT_FUZZ_SCALE: '-1' })).toThrow(/positive number/);
  });

  it('no fuzz file fixes its own count', () => {
    const files = readdirSync(dir).filter((n) => n.endsWith('.test.ts') && n !== 'fuzz-runs.test.ts');
    const fixed = files.filter((n) => /numRuns\s*:/.test(readFileSync(`${dir}/${n}`, 'utf8')));
    expect(fixed).toEqual([]);
    const scaled = files.filter((n) => readFileSync(`${dir}/${n}`, 'utf8').includes('fuzzRuns('));
    expect(scaled.length).toBeGreaterThanOrEqual(6);
  });
});
