// The one ReceivedRanges (runtime/files) used by incoming MSRP messages: merging, exact coverage,
// the span count the session caps, and the highest byte.
import { describe, expect, it } from 'vitest';
import { ReceivedRanges } from '../../../runtime/files/received-ranges.ts';
import { MsrpReceivedRanges } from '../../../runtime/msrp/index.ts';

describe('ReceivedRanges as used for MSRP messages', () => {
  it('is the same class under the msrp name', () => {
    expect(MsrpReceivedRanges).toBe(ReceivedRanges);
  });

  it('merges touching and overlapping ranges in any order and counts the spans', () => {
    const r = new ReceivedRanges();
    r.add(5, 6); r.add(1, 2); r.add(9, 9);
    expect(r.count).toBe(3);
    expect(r.highest).toBe(9);
    r.add(3, 4);
    expect(r.toArray()).toEqual([{ start: 1, end: 6 }, { start: 9, end: 9 }]);
    r.add(2, 10);
    expect(r.toArray()).toEqual([{ start: 1, end: 10 }]);
    r.add(4, 3);
    expect(r.count).toBe(1);
  });

  it('covers(size) means exactly 1..size, and size 0 means nothing received', () => {
    const r = new ReceivedRanges();
    expect(r.covers(0)).toBe(true);
    r.add(2, 10);
    expect(r.covers(10)).toBe(false);
    r.add(1, 1);
    expect(r.covers(10)).toBe(true);
    expect(r.covers(9)).toBe(false);
    expect(r.covers(11)).toBe(false);
  });

  it('stays fast for many gapped spans added in reverse', () => {
    const r = new ReceivedRanges();
    const started = performance.now();
    for (let i = 20_000; i > 0; i--) r.add(2 * i, 2 * i);
    expect(r.count).toBe(20_000);
    for (let i = 0; i <= 20_000; i++) r.add(2 * i + 1, 2 * i + 1);
    expect(r.count).toBe(1);
    expect(r.covers(40_001)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
