// Property-based fuzzing of the spec front end: a mutated spec (any file of the default set, or a
// token-level edit of it) compiles to diagnostics located inside the inputs, never to an exception,
// and every diagnostic formats with its excerpt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpec, type SpecInput } from '../../generator/compile-spec.ts';
import type { Diagnostic } from '../../generator/diagnostics/diagnostic.ts';
import { formatDiagnostics } from '../../generator/diagnostics/format-diagnostic.ts';
import type { SourceLocation } from '../../generator/ir/types.ts';
import { defaultSpecPaths } from '../../generator/load-spec.ts';
import { FuzzMeter } from '../helpers/fuzz-meter.ts';
import { mutatedText } from '../helpers/fuzz-mutate.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const meter = new FuzzMeter();
afterAll(() => console.log(meter.summary('spec')));

const root = join(import.meta.dirname, '../..');
const inputs: SpecInput[] = (await defaultSpecPaths(root)).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
const seeds = { bytes: 0x5bec, tokens: 0x5bed, random: 0x5bee };
// Base count of the two mutation properties: each input compiles the whole spec (about 12 ms on an
// idle 2-core machine), so 400 keeps them to seconds in `npm test`. With these seeds, a syntax-error
// column one past its line end fails both by input 250, and recovery that blanks newlines (shifting
// later locations) by input 62. The campaign's 25 x 400 is still more than these two get through in
// their share of its time budget (45 min over 25 properties, about 108 s each), so it stops them on
// time, as it did with a larger base, and tries as many inputs.
const mutationRuns = 400;

/** A location is in range when it names an input and points at a character of it (or just past the end of a line). */
function expectInRange(location: SourceLocation | null, files: ReadonlyMap<string, string>): void {
  if (location === null) return;
  const text = files.get(location.file);
  expect(text, `unknown file ${location.file}`).toBeDefined();
  const lines = text!.split('\n');
  expect(location.line).toBeGreaterThanOrEqual(1);
  expect(location.line).toBeLessThanOrEqual(lines.length);
  expect(location.column).toBeGreaterThanOrEqual(1);
  expect(location.column).toBeLessThanOrEqual(lines[location.line - 1]!.length + 1);
}

function compileChecked(specs: SpecInput[]): Diagnostic[] {
  const bytes = specs.reduce((n, s) => n + s.text.length, 0);
  const result = meter.run('compileSpec', bytes, () => compileSpec(specs));
  const files = new Map(specs.map((s) => [s.path, s.text]));
  for (const d of result.diagnostics) {
    expectInRange(d.location, files);
    for (const note of d.notes) expectInRange(note.location, files);
    expect(d.message.length).toBeGreaterThan(0);
  }
  // An IR comes out only when no error was reported.
  expect(result.ir === null).toBe(result.diagnostics.some((d) => d.severity === 'error'));
  meter.run('formatDiagnostics', bytes, () => formatDiagnostics(result.diagnostics, files));
  return result.diagnostics;
}

describe('spec DSL: mutated specs give located diagnostics, never an exception', () => {
  it('the seed spec itself compiles cleanly (the baseline the mutations start from)', () => {
    expect(compileChecked(inputs).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('byte-level mutations of one spec file (flips, NUL/CR/unicode, dropped and duplicated lines, huge splices)', () => {
    fc.assert(
      fc.property(fc.nat({ max: inputs.length - 1 }).chain((i) => mutatedText([inputs[i]!.text], { maxSplice: 16 * 1024 }).map((text) => ({ i, text }))), ({ i, text }) => {
        compileChecked(inputs.map((s, j) => (j === i ? { ...s, text } : s)));
      }),
      { seed: seeds.bytes, ...fuzzRuns(mutationRuns) },
    );
  });

  it('token-level edits: a word replaced by another word of the spec or by a keyword', () => {
    const words = [...new Set(inputs.flatMap((s) => s.text.match(/[A-Za-z0-9_.\-]+/g) ?? []))];
    const extra = ['SHALL', 'MAY', 'clause', 'rule', 'cr', 'add', 'remove', 'modify', 'on', 'when', 'do', 'see', 'summary', 'amends', '{', '}', '"', '#', ',', ''];
    fc.assert(
      fc.property(fc.nat({ max: inputs.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...words, ...extra)), { minLength: 1, maxLength: 3 }), (i, edits) => {
        let text = inputs[i]!.text;
        for (const [at, word] of edits) {
          const matches = [...text.matchAll(/[A-Za-z0-9_.\-]+/g)];
          const m = matches[at % Math.max(1, matches.length)];
          if (m === undefined) continue;
          text = text.slice(0, m.index) + word + text.slice(m.index + m[0].length);
        }
        compileChecked(inputs.map((s, j) => (j === i ? { ...s, text } : s)));
      }),
      { seed: seeds.tokens, ...fuzzRuns(mutationRuns) },
    );
  });

  it('random text as an extra CR file, and files reordered', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })), fc.boolean(), (text, reverse) => {
        const specs = [...inputs, { path: 'spec/cr/fuzz.cr', text }];
        compileChecked(reverse ? specs.reverse() : specs);
      }),
      { seed: seeds.random, ...fuzzRuns(500) },
    );
  });
});
