// A CR states the revision of its text that the rules implement (`text "path" revision R01`):
// `spec check` requires the named text to be that revision, `spec coverage NEWTEXT` lists the
// statements that changed since, and `spec fmt` keeps the revision.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSpecText } from '../../generator/format/format-spec.ts';
import { run } from '../../src/cli/commands/spec.ts';
import { runCommand, scratchSpec } from './workbench-helpers.ts';

// A small CR text of our own wording, in two revisions: R02 rewords the statement and adds one.
const head = '1 Reason for Change\n\nR01 : first draft.\n';
const r01 = `${head}\n7.6.2.\nFile transfer session release\nWhen the transfer is over, the CPM Client SHALL end the session with a SIP BYE.\n`;
const r02 = `${head}R02 : say when every file is through.\n\n7.6.2.\nFile transfer session release\nWhen every file is through, the CPM Client SHALL end the session with a SIP BYE. The CPM Client MAY tell the user.\n`;
const cr = [
  'cr CPM-CR-FT-BYE-TEXT R01 {',
  '  title "Name the text of the release statement"',
  '  amends 7.6.2',
  '  after CPM-CR-FT-RELEASE',
  '  text "bye-R01.txt" revision R01',
  '  modify 7.6.2 {',
  '    covers "SHALL end the session with a SIP BYE"',
  '  }',
  '}',
  '',
].join('\n');

const scratch = scratchSpec('coverage-revision');
writeFileSync(join(scratch.root, 'spec/cr/bye-R01.txt'), r01);
writeFileSync(join(scratch.root, 'bye-R02.txt'), r02);
writeFileSync(join(scratch.root, 'spec/cr/cpm-cr-ft-bye-text.cr'), cr);
appendFileSync(join(scratch.root, 'spec/cr/ORDER'), 'cpm-cr-ft-bye-text.cr\n');
afterAll(() => scratch.remove());

describe('CR text revisions', () => {
  it('spec check accepts the text of the stated revision', async () => {
    const outcome = await runCommand(run, ['check'], scratch.root);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
  });

  it('spec coverage lists what changed since the implemented revision', async () => {
    const table = await runCommand(run, ['coverage', 'bye-R02.txt'], scratch.root);
    expect(table.stdout).toContain('changed since R01 (CPM-CR-FT-BYE-TEXT, spec/cr/bye-R01.txt; this text is R02): 2 statements\n');
    expect(table.stdout).toContain('  changed 7.6.2 (SHALL): "When every file is through, the CPM Client SHALL end the session with a SIP BYE." (was "When the transfer is over, the CPM Client SHALL end the session with a SIP BYE.")\n');
    expect(table.stdout).toContain('  added 7.6.2#2 (MAY): "The CPM Client MAY tell the user."\n');
    const json = JSON.parse((await runCommand(run, ['coverage', 'bye-R02.txt', '--format', 'json'], scratch.root)).stdout) as { changedSince: { cr: string; implemented: string; current: string; changes: { id: string; change: string }[] }[] };
    expect(json.changedSince).toEqual([
      expect.objectContaining({ cr: 'CPM-CR-FT-BYE-TEXT', implemented: 'R01', current: 'R02', changes: [expect.objectContaining({ id: '7.6.2', change: 'changed' }), expect.objectContaining({ id: '7.6.2#2', change: 'added' })] }),
    ]);
    // Against the revision it implements nothing changed.
    const same = await runCommand(run, ['coverage', 'spec/cr/bye-R01.txt'], scratch.root);
    expect(same.stdout).toContain('changed since R01 (CPM-CR-FT-BYE-TEXT, spec/cr/bye-R01.txt; this text is R01): no statement\n');
  });

  it('spec check rejects a text of another revision than the CR states', async () => {
    writeFileSync(join(scratch.root, 'spec/cr/bye-R01.txt'), r02);
    const outcome = await runCommand(run, ['check'], scratch.root);
    writeFileSync(join(scratch.root, 'spec/cr/bye-R01.txt'), r01);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("spec/cr/cpm-cr-ft-bye-text.cr:5:3: error[cr-text-revision]: CR 'CPM-CR-FT-BYE-TEXT' implements revision R01 of its text, but spec/cr/bye-R01.txt is revision R02");
  });

  it('spec fmt keeps the revision', () => {
    const result = formatSpecText('spec/cr/cpm-cr-ft-bye-text.cr', readFileSync(join(scratch.root, 'spec/cr/cpm-cr-ft-bye-text.cr'), 'utf8'));
    expect(result.ok && result.text).toContain('  text "bye-R01.txt" revision R01\n');
  });
});
