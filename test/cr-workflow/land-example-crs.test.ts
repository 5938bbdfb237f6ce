// Every example CR in spec/examples/ is accounted for: `spec check` rejects it with exactly its
// diagnostic (checked here; one it accepts with warnings has exactly those warnings checked here too), or it lands green in a copy of the project (land-example-in-copy.ts,
// one test file per example under land-example/ so that vitest lands several at once), or it is
// already landed in spec/cr, word for word, where `npm test` itself checks it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosticLines, examples, landedAs, landingTestFile, rejected, repoRoot, runCpmFt, sameCr, warned, wireSigns } from './land-example-in-copy.ts';

describe('example CRs land green in a copy of the project', () => {
  it('every example has its wire signs or its diagnostic listed here', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect([...Object.keys(wireSigns), ...Object.keys(rejected)].sort()).toEqual(examples);
  });

  for (const example of examples.filter((e) => !Object.hasOwn(rejected, e))) {
    const landed = landedAs(example);
    if (landed === undefined) {
      it(`${example}: lands in a copy of the project, by ${landingTestFile(example)}`, () => {
        const file = join(repoRoot, landingTestFile(example));
        expect(existsSync(file), `${landingTestFile(example)} is missing`).toBe(true);
        expect(readFileSync(file, 'utf8')).toContain(`landExampleInCopy('${example}')`);
      });
    } else {
      it(`${example}: is spec/cr/${landed}, word for word, and its wire signs are in the generated tests`, () => {
        expect(sameCr(example, landed), `spec/examples/${example} and spec/cr/${landed} differ outside comments`).toBe(true);
        const generated = ['file-transfer', 'rfc5547-answerer'].map((unit) => readFileSync(join(repoRoot, `generated/conformance/${unit}.test.ts`), 'utf8')).join('\n');
        for (const sign of wireSigns[example] ?? []) expect(generated).toMatch(sign);
      });
    }
  }

  for (const [example, diagnostics] of Object.entries(warned)) {
    it(`${example}: spec check accepts it with exactly its warnings, each with its note`, () => {
      const check = runCpmFt(repoRoot, ['spec', 'check', '--cr', `spec/examples/${example}`]);
      expect(check.code, check.out).toBe(0);
      expect(check.out).toMatch(/^spec ok: /);
      expect(diagnosticLines(check.out)).toEqual(diagnostics);
    });
  }

  for (const [example, diagnostic] of Object.entries(rejected)) {
    it(`${example}: spec check rejects it with exactly its diagnostic`, () => {
      const check = runCpmFt(repoRoot, ['spec', 'check', '--cr', `spec/examples/${example}`]);
      expect(check.code, check.out).toBe(1);
      // Errors only: a modality changed against its covers quote also draws covers-modality-mismatch warnings.
      const problems = check.out.split('\n').filter((line) => /^\S+:\d+:\d+: error\[/.test(line));
      expect(problems).toEqual([diagnostic]);
      expect(check.out).toContain('spec check failed: 1 error');
    });
  }
});
