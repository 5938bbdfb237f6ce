// `cpm-ft spec coverage TEXT`: every normative statement of the CR text fixture mapped to the rules of
// the fixture spec; removing a rule, editing a quoted word or changing a modality is reported.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractStatements } from '../../generator/coverage/extract-statements.ts';
import { run } from '../../src/cli/commands/spec.ts';
import { runCommand, scratchSpec, crText } from './workbench-helpers.ts';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function scratch(): string {
  const s = scratchSpec('coverage');
  cleanup = s.remove;
  return s.root;
}

const json = (stdout: string): { covered: number; total: number; statements: { id: string; status: string; rules: string[] }[]; problems: { kind: string; message: string; statement: string | null; location: { file: string; line: number } | null }[] } =>
  JSON.parse(stdout);

describe('spec coverage', () => {
  it('finds numbered, lettered, roman and unnumbered statements with their modality', () => {
    const text = extractStatements(readFileSync(crText, 'utf8'));
    expect(text.clauses.map((c) => c.id)).toEqual(['7.6.1', '7.6.2']);
    const byId = new Map(text.statements.map((s) => [s.id, s]));
    expect(byId.get('7.6.1-4.a')?.modality).toBe('MAY');
    expect(byId.get('7.6.1-4.b.ii')?.text).toContain('close every m-line it no longer needs');
    expect(byId.get('7.6.2')).toMatchObject({ clause: '7.6.2', step: null, modality: 'SHALL' });
    // Step 4 itself states no requirement; the lower-case "shall" of the IPR boilerplate is not normative.
    expect(byId.has('7.6.1-4')).toBe(false);
    expect(text.statements.every((s) => s.clause.startsWith('7.6.'))).toBe(true);
  });

  it('the CR text fixture is fully covered by the fixture spec', async () => {
    const root = scratch();
    const r = await runCommand(run, ['coverage', crText, '--format', 'json'], root);
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report.covered).toBe(report.total);
    expect(report.total).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
    const table = await runCommand(run, ['coverage', crText], root);
    expect(table.stdout).toMatch(/coverage: (\d+) of \1 statements covered \(100%\)/);
  });

  it('a CR that removes 7.6.1-5 leaves step 5 uncovered: exit 1 naming it', async () => {
    const root = scratch();
    writeFileSync(join(root, 'remove-5.cr'), 'cr CPM-CR-DROP-5 R01 {\n  title "drop step 5"\n  amends 7.6.1\n  remove 7.6.1-5\n}\n');
    const r = await runCommand(run, ['coverage', crText, '--cr', 'remove-5.cr'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^7\.6\.1-5 +SHALL +- +uncovered$/m);
    expect(r.stdout).toContain('error[uncovered-statement]: 7.6.1-5 (SHALL');
  });

  it('a changed word in the quoted text is reported at the rule that quotes it', async () => {
    const root = scratch();
    const edited = join(root, 'edited.txt');
    writeFileSync(edited, readFileSync(crText, 'utf8').replace('close every m-line it no longer needs', 'close every m-line it still needs'));
    const r = await runCommand(run, ['coverage', edited, '--format', 'json'], root);
    expect(r.code).toBe(1);
    const problems = json(r.stdout).problems;
    const quote = problems.find((p) => p.kind === 'quote-not-found');
    expect(quote?.message).toContain('rule 7.6.1-4.b.ii quotes "SHALL close every m-line it no longer needs"');
    expect(quote?.location?.file).toBe('spec/cr/cpm-cr-ft-release.cr');
    const crLines = readFileSync(join(root, 'spec/cr/cpm-cr-ft-release.cr'), 'utf8').split('\n');
    expect(crLines[quote!.location!.line - 1]).toContain('covers 4.b.ii');
    expect(json(r.stdout).statements.find((s) => s.id === '7.6.1-4.b.ii')?.status).toBe('uncovered');
  });

  it('a rule whose modality differs from the text is a modality mismatch', async () => {
    const root = scratch();
    writeFileSync(join(root, 'shall.cr'), 'cr CPM-CR-4A R01 {\n  title "t"\n  amends 7.6.1\n  modify 7.6.1-4.a SHALL { decision none }\n}\n');
    const r = await runCommand(run, ['coverage', crText, '--cr', 'shall.cr', '--format', 'json'], root);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.statements.find((s) => s.id === '7.6.1-4.a')?.status).toBe('modality-mismatch');
    expect(report.problems.map((p) => p.message)).toContain('rule 7.6.1-4.a is SHALL, but 7.6.1-4.a of the CR text says MAY');
  });

  it('spec check runs the coverage of a CR that names its text, and a missing text is a located error', async () => {
    const root = scratch();
    const crPath = join(root, 'spec/cr/cpm-cr-ft-release.cr');
    const original = readFileSync(crPath, 'utf8');
    const withText = (path: string): string => original.replace(/(\n  amends [^\n]*\n)/, `$1  text ${JSON.stringify(path)}\n`);
    writeFileSync(crPath, withText(crText));
    expect(await runCommand(run, ['check'], root)).toMatchObject({ code: 0 });
    const edited = join(root, 'edited.txt');
    writeFileSync(edited, readFileSync(crText, 'utf8').replace('SHALL end it with a SIP BYE', 'SHALL end it with a SIP CANCEL'));
    writeFileSync(crPath, withText('../../edited.txt'));
    const changed = await runCommand(run, ['check'], root);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/spec\/cr\/cpm-cr-ft-release\.cr:\d+:5: error\[quote-not-found\]: rule 7\.6\.2 quotes "SHALL end it with a SIP BYE"/);
    writeFileSync(crPath, withText('../../no-such.txt'));
    const missing = await runCommand(run, ['check'], root);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/spec\/cr\/cpm-cr-ft-release\.cr:\d+:3: error\[cr-text-unreadable\]: cannot read the text of CR 'CPM-CR-FT-RELEASE' at no-such\.txt: no such file/);
  });
});
