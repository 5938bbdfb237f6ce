// Each fixture in test/fixtures/bad-specs/ is a whole spec with one kind of mistake; the compile must
// report exactly the listed errors (code and line:col) and produce no IR.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../../generator/compile-spec.ts';
import { formatDiagnostics } from '../../../generator/diagnostics/format-diagnostic.ts';

const dir = new URL('../../fixtures/bad-specs/', import.meta.url);

const expected: Record<string, string[]> = {
  'syntax-error.rules': ['syntax-error 9:1'],
  'keyword-typo.rules': ['syntax-error 8:3'],
  'bad-modality.rules': ['syntax-error 5:14'],
  'duplicate-rule.rules': ['duplicate-rule 12:6'],
  'unknown-reference.rules': ['unknown-reference 8:16'],
  'unknown-clause.rules': ['empty-clause 2:1', 'unknown-clause 5:6'],
  'unknown-event.rules': ['unknown-event 6:6'],
  'unknown-action.rules': ['unknown-action 7:6'],
  'unknown-guard.rules': ['unknown-guard 6:32'],
  'unknown-decision-point.rules': ['unknown-decision-point 7:12'],
  'may-without-decision.rules': ['missing-decision-point 5:14'],
  'shall-with-decision.rules': ['unexpected-decision-point 7:12'],
  'follow-unknown-clause.rules': ['bad-action-argument 7:20'],
  'otherwise-unknown-rule.rules': ['unknown-rule 14:13'],
  'fired-later-rule.rules': ['forward-rule-reference 7:12'],
  'empty-clause.rules': ['empty-clause 4:1'],
  'bad-codec.rules': ['unknown-codec 14:13'],
  'attribute-misspelt.rules': ['unknown-attribute 41:11'],
  'attribute-unknown.rules': ['unknown-attribute 50:11'],
  'attribute-missing.rules': ['missing-attribute 17:1'],
  'attribute-mismatch.rules': ['attribute-mismatch 42:3', 'attribute-mismatch 56:28'],
  'cr-modifies-missing-rule.rules': ['cr-modifies-missing-rule 15:10'],
  'cr-removes-missing-rule.rules': ['cr-removes-missing-rule 15:10'],
  'cr-adds-existing-rule.rules': ['cr-adds-existing-rule 15:12'],
  'cr-empties-clause.rules': ['empty-clause 2:1'],
  // A rule stays on one side (runtime/procedure/roles.ts): sender events with sender names only, and the reverse.
  'role-mismatch.rules': ['role-mismatch 7:6', 'role-mismatch 13:31', 'role-mismatch 15:6'],
};

const compileFixture = (name: string) => {
  const path = `test/fixtures/bad-specs/${name}`;
  const text = readFileSync(new URL(name, dir), 'utf8');
  return { path, text, result: compileSpec([{ path, text }]) };
};

describe('bad specs', () => {
  it('has an expectation for every fixture, and at least 12 fixtures', () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(Object.keys(expected).sort());
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  for (const [name, errors] of Object.entries(expected)) {
    it(`${name}: ${errors.join(', ')}`, () => {
      const { path, result } = compileFixture(name);
      expect(result.ir).toBeNull();
      const got = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.location?.line}:${d.location?.column}`);
      expect(got).toEqual(errors);
      for (const d of result.diagnostics) expect(d.location?.file).toBe(path);
    });
  }

  it('turns a syntax error into a readable expected/found message with a keyword hint', () => {
    const { result } = compileFixture('keyword-typo.rules');
    const [d] = result.diagnostics;
    expect(d?.message).toMatch(/^expected a rule field \(on, .*summary.*\), .* but found "sumary" \(did you mean "summary"\?\)$/);
    expect(d?.message).not.toMatch(/whitespace|comment|at peg\$/);
  });

  it('reports an invalid modality as a syntax error listing the modalities', () => {
    const { result } = compileFixture('bad-modality.rules');
    expect(result.diagnostics[0]?.message).toBe('expected a modality (SHALL, SHALL NOT, SHOULD, SHOULD NOT, MAY) but found "MUST"');
  });

  it('points a duplicate rule at the first definition in a note, and formats both with carets', () => {
    const { path, text, result } = compileFixture('duplicate-rule.rules');
    const [d] = result.diagnostics;
    expect(d?.notes).toEqual([{ message: 'first defined here', location: { file: path, line: 5, column: 6 } }]);
    const out = formatDiagnostics(result.diagnostics, new Map([[path, text]]));
    expect(out).toBe(
      [
        `${path}:12:6: error[duplicate-rule]: duplicate rule '7.6.1-1', which is already defined`,
        '   |',
        '12 | rule 7.6.1-1 SHALL {',
        '   |      ^',
        `${path}:5:6: note: first defined here`,
        '  |',
        '5 | rule 7.6.1-1 SHALL {',
        '  |      ^',
        '',
      ].join('\n'),
    );
  });

  it('suggests the closest runtime name for a misspelt event', () => {
    const { result } = compileFixture('unknown-event.rules');
    expect(result.diagnostics[0]?.message).toBe("unknown event 'send-file-requested'; did you mean 'send-files-requested'?");
  });

  it('reports every problem of a stage together', () => {
    const text = readFileSync(new URL('unknown-event.rules', dir), 'utf8')
      .replace('do follow-clause 7.3.1', 'do send-goodbye')
      .replace('see RFC5547', 'see RFC9999');
    const result = compileSpec([{ path: 'multi.rules', text }]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['unknown-event', 'unknown-action', 'unknown-reference']);
  });
});
