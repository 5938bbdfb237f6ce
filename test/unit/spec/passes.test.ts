// Individual pass behaviour on small in-memory specs: CR removal and diff, amends warnings,
// step ordering, duplicate declarations.
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../../generator/compile-spec.ts';
import { specDiff } from '../../../src/cli/commands/spec.ts';

const base = `document RFC5547 "File transfer"
clause 7.6.1 "Initiation"
clause 7.6.2 "Release"
`;
const rule = (id: string, extra = '') => `rule ${id} SHALL {\n  on transfer-complete\n${extra}  do send-bye\n  summary "Rule ${id}."\n}\n`;

describe('passes', () => {
  it('orders rules by clause then step, whatever order they were written or added in', () => {
    const text =
      base +
      rule('7.6.2') +
      rule('7.6.1-10') +
      rule('7.6.1-4.c') +
      rule('7.6.1-4.b.ii') +
      rule('7.6.1-4.b') +
      rule('7.6.1-9') +
      rule('7.6.1-4.b.i') +
      `cr CPM-CR-A R01 {\n  title "t"\n  amends 7.6.1\n  add ${rule('7.6.1-4.a')}}\n`;
    const { ir, diagnostics } = compileSpec([{ path: 'spec/x.rules', text }]);
    expect(diagnostics).toEqual([]);
    expect(ir?.rules.map((r) => r.id)).toEqual(['7.6.1-4.a', '7.6.1-4.b', '7.6.1-4.b.i', '7.6.1-4.b.ii', '7.6.1-4.c', '7.6.1-9', '7.6.1-10', '7.6.2']);
  });

  it('a CR removing a rule shows in the diff; a later modify lists only the fields that changed', () => {
    const files = [
      { path: 'spec/base.rules', text: base + rule('7.6.1-1') + rule('7.6.1-2') + rule('7.6.2') },
      { path: 'spec/cr/a.cr', text: 'cr CPM-CR-A R01 {\n  title "Drop step 2"\n  amends 7.6.1\n  remove 7.6.1-2\n}\n' },
      { path: 'spec/cr/b.cr', text: 'cr CPM-CR-B R02 {\n  title "Reword step 1"\n  amends 7.6.1\n  modify 7.6.1-1 {\n    on transfer-complete\n    summary "New words."\n  }\n}\n' },
    ];
    const { ir, diagnostics } = compileSpec(files);
    expect(diagnostics).toEqual([]);
    expect(ir?.rules.map((r) => r.id)).toEqual(['7.6.1-1', '7.6.2']);
    expect(specDiff(ir!)).toEqual([
      { cr: 'CPM-CR-A', revision: 'R01', title: 'Drop step 2', added: [], modified: [], removed: ['7.6.1-2'] },
      // Rewriting the same trigger is not a change; only the summary changed.
      { cr: 'CPM-CR-B', revision: 'R02', title: 'Reword step 1', added: [], modified: [{ rule: '7.6.1-1', fields: ['summary'] }], removed: [] },
    ]);
    expect(ir?.rules[0]?.history).toEqual([{ cr: 'CPM-CR-B', revision: 'R02', change: 'modified' }]);
  });

  it('warns (without failing) when a CR changes a rule of a clause it does not list in amends', () => {
    const files = [
      { path: 'a.rules', text: base + rule('7.6.1-1') + rule('7.6.2') },
      { path: 'b.cr', text: 'cr CPM-CR-A R01 {\n  title "t"\n  amends 7.6.1\n  modify 7.6.2 { summary "x" }\n}\n' },
    ];
    const { ir, diagnostics } = compileSpec(files);
    expect(ir).not.toBeNull();
    expect(diagnostics.map((d) => [d.severity, d.code, d.location?.file, d.location?.line, d.location?.column])).toEqual([
      ['warning', 'cr-clause-not-amended', 'b.cr', 4, 10],
    ]);
  });

  it('reports a duplicate declaration across files with a note at the first one', () => {
    const { ir, diagnostics } = compileSpec([
      { path: 'a.rules', text: base + rule('7.6.1-1') + rule('7.6.2') },
      { path: 'b.rules', text: '\nclause 7.6.2 "Release again"\n' },
    ]);
    expect(ir).toBeNull();
    expect(diagnostics).toEqual([
      {
        code: 'duplicate-clause',
        severity: 'error',
        message: "clause '7.6.2' is declared twice",
        location: { file: 'b.rules', line: 2, column: 1 },
        notes: [{ message: 'first declared here', location: { file: 'a.rules', line: 3, column: 1 } }],
      },
    ]);
  });

  it('rejects rules in external clauses and actions with arguments they do not take', () => {
    const text = base + 'external clause 7.3.1 "1-1"\n' + rule('7.6.1-1') + rule('7.6.2') + rule('7.3.1-1') + 'rule 7.6.1-2 SHALL {\n  on transfer-complete\n  do send-bye 7.3.1\n  summary "s"\n}\n';
    const { diagnostics } = compileSpec([{ path: 'x.rules', text }]);
    expect(diagnostics.map((d) => `${d.code} ${d.location?.line}:${d.location?.column}`)).toEqual(['rule-in-external-clause 15:6', 'bad-action-argument 22:15']);
  });
});
