// The runtime reaches generated procedures only through the delegate passed in (STYLE: layering).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('runtime/transfer layering', () => {
  it('imports only runtime modules and node:*', async () => {
    const dir = join(import.meta.dirname, '../../../runtime/transfer');
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.ts')) continue;
      const text = await readFile(join(dir, name), 'utf8');
      const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
      for (const s of specifiers) {
        expect(s.startsWith('node:') || (s.startsWith('.') && !s.includes('generated/') && !s.includes('src/')), `${name}: ${s}`).toBe(true);
      }
    }
  });
});
