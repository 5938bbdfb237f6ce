// Golden files for the hand-made sample IR: a change in emitted text shows up as a reviewable diff.
// Refresh them after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/unit/generator/golden.test.ts`.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../../../generator/generate.ts';
import { sampleIr } from './fixtures/sample-ir.ts';

const goldenDir = fileURLToPath(new URL('../../golden/sample-ir/', import.meta.url));
// Golden copies of generated files get a .golden suffix so vitest and tsc never pick them up as code.
const goldenPath = (path: string): string => join(goldenDir, `${path}.golden`);

function listGolden(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listGolden(full));
    else out.push(relative(goldenDir, full).split('\\').join('/').replace(/\.golden$/, ''));
  }
  return out.sort();
}

describe('golden output for the sample IR', () => {
  const files = generate(sampleIr());
  if (process.env.UPDATE_GOLDEN === '1') {
    for (const [path, text] of files) {
      mkdirSync(dirname(goldenPath(path)), { recursive: true });
      writeFileSync(goldenPath(path), text);
    }
  }

  it('produces exactly the golden file set', () => {
    expect([...files.keys()].sort()).toEqual(listGolden(goldenDir));
  });

  for (const [path, text] of files) {
    it(`matches ${path}`, () => {
      expect(text).toBe(readFileSync(goldenPath(path), 'utf8'));
    });
  }
});
