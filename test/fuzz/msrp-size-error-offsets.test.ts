// The head size errors (line-too-long, head-too-large) are the same whatever the read boundaries:
// same reason, and the offset is where the offending line starts (fuzz finding: the offset used to
// be where the last read's piece of the line began). Small limits make both limits reachable.
import { describe, expect, it } from 'vitest';
import { MsrpParser } from '../../runtime/msrp/syntax/msrp-parser.ts';

const limits = { maxLineLength: 24, maxHeadBytes: 60 };

function errorFor(pieces: Buffer[]): string | undefined {
  const parser = new MsrpParser({ head: () => {}, body: () => {}, end: () => {} }, limits);
  for (const p of pieces) {
    const r = parser.feed(p);
    if (!r.ok) return `${r.error.reason}@${r.error.location?.offset}`;
  }
  return undefined;
}

describe('MSRP head size errors do not depend on the read boundaries', () => {
  it.each([
    ['a long header line', 'MSRP a1 SEND\r\nTo-Path: msrp://h/' + 'x'.repeat(40) + '\r\n', 'line-too-long@14'],
    // The fourth header line starts at 59 and takes the head past 60 bytes.
    ['a head over the limit', 'MSRP a1 SEND\r\nA: 1234567890\r\nB: 1234567890\r\nC: 1234567890\r\nD: 1234567890\r\n', 'head-too-large@59'],
    // Line 3 starts at 38; the head limit is passed at byte 60, the line limit only at byte 62.
    ['both, the head limit first', 'MSRP a1 SEND\r\nA: 1234567890123456789\r\nB: ' + 'y'.repeat(40) + '\r\n', 'head-too-large@38'],
    // Line 2 starts at 14; the line limit is passed at byte 38, the head limit only at byte 60.
    ['both, the line limit first', 'MSRP a1 SEND\r\nA: ' + 'z'.repeat(80) + '\r\n', 'line-too-long@14'],
  ])('%s', (_what, text, expected) => {
    const wire = Buffer.from(text);
    expect(errorFor([wire])).toBe(expected);
    for (let a = 0; a <= wire.length; a++) {
      expect(errorFor([wire.subarray(0, a), wire.subarray(a)]), `cut at ${a}`).toBe(expected);
      expect(errorFor([...wire].map((b) => Buffer.of(b))), 'byte by byte').toBe(expected);
    }
  });
});
