// percentDecodeQuoted took a quarter of a second on a 64 KiB file name: it UTF-8 encoded the text
// one character at a time (a TextEncoder call and a small array per character) and gathered the
// bytes in a growing number array. Checked by counting those calls, not by timing: the work per
// input must not grow with its length, and the result must stay what the byte-wise reading gives.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { percentDecodeQuoted } from '../../runtime/sdp/index.ts';

afterEach(() => { vi.restoreAllMocks(); });

function countCodecCalls(text: string): { encodes: number; decodes: number; result: string } {
  const encode = vi.spyOn(TextEncoder.prototype, 'encode');
  const decode = vi.spyOn(TextDecoder.prototype, 'decode');
  const result = percentDecodeQuoted(text);
  const counts = { encodes: encode.mock.calls.length, decodes: decode.mock.calls.length, result };
  vi.restoreAllMocks();
  return counts;
}

describe('percentDecodeQuoted: work independent of the input length', () => {
  const inputs: Array<[string, string]> = [
    ['64 KiB of ASCII with one %', `${'a'.repeat(64 * 1024)}%`],
    ['64 KiB of %41', '%41'.repeat(22_000)],
    ['64 KiB of stray %', '%%zz'.repeat(16_384)],
    ['non-ASCII and astral characters', `${'é😀'.repeat(10_000)}%C3%A9`],
  ];
  for (const [name, text] of inputs) {
    it(`${name}: one encode and one decode call, whatever the length`, () => {
      const counts = countCodecCalls(text);
      expect(counts.encodes).toBeLessThanOrEqual(1);
      expect(counts.decodes).toBeLessThanOrEqual(1);
    });
  }

  it('decodes as before: escapes, literal %, UTF-8 reassembly, invalid bytes and lone surrogates', () => {
    expect(percentDecodeQuoted('a%20b')).toBe('a b');
    expect(percentDecodeQuoted('%C3%A9t%C3%A9')).toBe('été');
    expect(percentDecodeQuoted('100%')).toBe('100%');
    expect(percentDecodeQuoted('%zz%4')).toBe('%zz%4');
    expect(percentDecodeQuoted('%e2%82%ac é')).toBe('€ é');
    expect(percentDecodeQuoted('%C3x')).toBe('\ufffdx');
    expect(percentDecodeQuoted('%E2%82€')).toBe('\ufffd€');
    expect(percentDecodeQuoted('\ud800%41')).toBe('\ufffdA');
    expect(percentDecodeQuoted('😀%2F')).toBe('😀/');
    expect(percentDecodeQuoted('no percent')).toBe('no percent');
  });
});
