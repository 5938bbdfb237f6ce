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

  it('examines O(log n) stored spans per add, however many gapped spans a peer has sent', () => {
    // Counted, not timed: a rebuild-and-sort or a linear scan per chunk would examine thousands of
    // spans per add here; the binary search examines at most ceil(log2(count + 1)) plus the spans it merges.
    const r = new ReceivedRanges();
    const n = 20_000;
    const bound = (spans: number, merged: number): number => Math.ceil(Math.log2(spans + 1)) + merged;
    let allowed = 0;
    for (let i = n; i > 0; i--) {
      allowed += bound(r.count, 0);
      r.add(2 * i, 2 * i);
    }
    expect(r.count).toBe(n);
    expect(r.probes).toBeLessThanOrEqual(allowed);
    const before = r.probes;
    r.add(2 * n + 1000, 2 * n + 1000);
    expect(r.probes - before).toBeLessThanOrEqual(bound(n, 0));
    allowed = r.probes;
    for (let i = 0; i <= n; i++) {
      // Each odd byte fills the gap between two even ones: the two neighbours merge into one span.
      allowed += bound(r.count, 2);
      r.add(2 * i + 1, 2 * i + 1);
    }
    expect(r.count).toBe(2);
    expect(r.covers(2 * n + 1)).toBe(false);
    expect(r.toArray()).toEqual([{ start: 1, end: 2 * n + 1 }, { start: 2 * n + 1000, end: 2 * n + 1000 }]);
    expect(r.probes).toBeLessThanOrEqual(allowed);
    // The whole run stayed within a few hundred thousand probes (a linear scan: hundreds of millions).
    expect(r.probes).toBeLessThan(40 * n);
  });
});
