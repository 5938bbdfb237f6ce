import { describe, expect, it } from 'vitest';
import { parseParams, splitOutsideQuotes } from '../../../runtime/sip/syntax/parse-params.ts';
import { splitHeaderValues } from '../../../runtime/sip/syntax/split-header-values.ts';

describe('splitHeaderValues (RFC 3261 §7.3.1)', () => {
  it('splits at top-level commas, trims and drops empty values', () => {
    expect(splitHeaderValues(' INVITE , ACK,, BYE ')).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('keeps commas inside quoted display names and <...> URIs', () => {
    const value = '"Doe, John" <sip:a@x.test?subject=a,b>;tag=1, <sip:b@y.test>';
    expect(splitHeaderValues(value)).toEqual(['"Doe, John" <sip:a@x.test?subject=a,b>;tag=1', '<sip:b@y.test>']);
  });

  it('does not end a quoted string at an escaped quote', () => {
    expect(splitHeaderValues('"a \\", b" <sip:a@x.test>, <sip:b@y.test>')).toEqual(['"a \\", b" <sip:a@x.test>', '<sip:b@y.test>']);
  });
});

describe('splitOutsideQuotes / parseParams share the same scan', () => {
  it('does not split parameters at a semicolon inside quotes or <...>', () => {
    expect(splitOutsideQuotes('a;b="x;y";<c;d>;e', ';')).toEqual(['a', 'b="x;y"', '<c;d>', 'e']);
    expect(parseParams(';Purpose="a;b";lr')).toEqual({ purpose: '"a;b"', lr: null });
  });
});
