import { describe, expect, it } from 'vitest';
import { formatTimingTable } from '../../helpers/timing-table.ts';

describe('per-file timing table', () => {
  it('lists the slowest files first, at most `top`, with the sum over every file', () => {
    const table = formatTimingTable([
      { file: 'test/a.test.ts', totalMs: 1200, tests: 3 },
      { file: 'test/interop/slow.test.ts', totalMs: 140_000, tests: 4 },
      { file: 'test/b.test.ts', totalMs: 9_900, tests: 12 },
    ], 2);
    expect(table).toBe([
      'slowest 2 of 3 test files (sum over all files 151.1 s):',
      '  file                           time  tests',
      '  test/interop/slow.test.ts   140.0 s      4',
      '  test/b.test.ts                9.9 s     12',
      '',
    ].join('\n'));
  });

  it('prints nothing for a run without files', () => {
    expect(formatTimingTable([])).toBe('');
  });
});
