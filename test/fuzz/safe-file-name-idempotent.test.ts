// safeFileName is idempotent and returns NFC, including when shortening to 255 bytes exposes a
// trailing dot or space or a reserved device name (fuzz finding: NFC used to run before controls
// were removed, so a control between a letter and its combining mark left a non-NFC name).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../runtime/files/safe-file-name.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const check = (offered: string): string => {
  const once = safeFileName(offered);
  expect(once).toBe(once.normalize('NFC'));
  expect(safeFileName(once)).toBe(once);
  expect(Buffer.byteLength(once)).toBeLessThanOrEqual(255);
  return once;
};

describe('safeFileName: idempotent, NFC', () => {
  it('composes a letter and a combining mark that a control kept apart', () => {
    expect(check('a\u0085\u0301.txt')).toBe('\u00e1.txt');
    expect(check('e\u0000\u0301\u202e\u0301x')).toBe('e\u0301\u0301x'.normalize('NFC'));
  });

  it('re-cleans what shortening exposes', () => {
    expect(check(`${'a'.repeat(254)} bbbb`)).toBe('a'.repeat(254));
    expect(check(`${'a'.repeat(254)}.${'b'.repeat(20)}`)).toBe('a'.repeat(254));
    expect(check(`CON${' '.repeat(300)}x`)).toBe('_CON');
    expect(check(`${'\u00e9'.repeat(127)} \u00e9`)).toBe('\u00e9'.repeat(127));
  });

  it('property: names near the length limit built from troublesome pieces', () => {
    const piece = fc.constantFrom('a', 'é', 'e\u0301', '\u0301', '\u0085', '\u0000', ' ', '.', '..', 'CON', 'nul', '\u202e', ':', '中', '😀', '\u212b', '\u0344', '\ufb2a', '\u00a0', '.txt');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }).map((p) => p.join('')), (offered) => {
        check(offered);
      }),
      { seed: 0xf120, ...fuzzRuns(2000) },
    );
  });
});
