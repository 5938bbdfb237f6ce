import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { formatCounterSummary, sumCounterLines } from '../../helpers/counters-global-setup.ts';
import { recordCount } from '../../helpers/test-counters.ts';

describe('run counters', () => {
  it('sums kind/count lines across worker files, ignoring unknown kinds and junk', () => {
    const totals = sumCounterLines(['interop 1\ninterop 2\nhostile 4000\n', 'faults 3\nbogus 9\nhostile x\ninterop -1\n\n', '']);
    expect(totals).toEqual({ interop: 3, hostile: 4000, faults: 3 });
    expect(formatCounterSummary(totals)).toBe('interop: 3 scenarios passed; hostile: 4000 inputs tried; faults: 3 injected, nothing lost');
  });

  it("recordCount appends to this worker's file in the folder the global setup provided", () => {
    const dir = inject('cpmFtCounterDir');
    expect(dir).toMatch(/[\\/]\.cache[\\/]counters[\\/]run-/);
    const file = join(dir, `${process.pid}.log`);
    const before = readdirSync(dir).includes(`${process.pid}.log`) ? readFileSync(file, 'utf8') : '';
    // Zero and fractions are refused: only whole, positive counts reach the file.
    recordCount('faults', 0);
    recordCount('interop', 1.5);
    expect(readdirSync(dir).includes(`${process.pid}.log`) ? readFileSync(file, 'utf8') : '').toBe(before);
  });
});
