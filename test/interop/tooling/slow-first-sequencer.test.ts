import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SLOW_FILES, slowFirst } from '../../helpers/slow-first-sequencer.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('slow-first test order', () => {
  it('puts listed files first in list order, folders by prefix, and keeps the order of the rest', () => {
    const given = ['test/unit/a.test.ts', 'test/cr-workflow/land-example/x.test.ts', 'test/unit/b.test.ts', 'test/package/package.test.ts', 'test/cr-workflow/land-example/y.test.ts'];
    expect(slowFirst(given, (f) => f)).toEqual([
      'test/package/package.test.ts',
      'test/cr-workflow/land-example/x.test.ts',
      'test/cr-workflow/land-example/y.test.ts',
      'test/unit/a.test.ts',
      'test/unit/b.test.ts',
    ]);
  });

  it('lists only files and folders that exist (a renamed file would silently lose its place)', () => {
    for (const entry of SLOW_FILES) {
      expect(existsSync(join(root, entry)), entry).toBe(true);
      expect(statSync(join(root, entry)).isDirectory(), entry).toBe(entry.endsWith('/'));
    }
  });
});
