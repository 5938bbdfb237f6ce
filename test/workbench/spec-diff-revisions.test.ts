// `cpm-ft spec diff --from REV [--to REV]` in a scratch git repository holding the fixture spec:
// field-level rule changes, rules added and removed, generated files that change, the CR history.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/spec.ts';
import { runCommand, scratchSpec } from './workbench-helpers.ts';

const scratch = scratchSpec('diff');
const root = scratch.root;
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });

beforeAll(() => {
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  const crPath = join(root, 'spec/cr/cpm-cr-ft-release.cr');
  const cr = readFileSync(crPath, 'utf8').replace('summary "The sender ends a finished file transfer session with a SIP BYE."', 'summary "The sender closes the finished session with a SIP BYE."');
  writeFileSync(crPath, cr);
  writeFileSync(
    join(root, 'spec/cr/cpm-cr-ft-4a.cr'),
    'cr CPM-CR-FT-4A R02 {\n  title "Mandatory check; no failure step"\n  amends 7.6.1\n  after CPM-CR-FT-RELEASE\n  modify 7.6.1-4.a SHALL {\n    decision none\n  }\n  remove 7.6.1-5\n}\n',
  );
  writeFileSync(join(root, 'spec/cr/ORDER'), `${readFileSync(join(root, 'spec/cr/ORDER'), 'utf8')}cpm-cr-ft-4a.cr\n`);
  git('add', '-A');
  git('commit', '-qm', 'second');
});
afterAll(() => scratch.remove());

describe('spec diff --from', () => {
  it('HEAD~1 against HEAD: field changes old → new, a removed rule, changed generated files and the CR history', async () => {
    const r = await runCommand(run, ['diff', '--from', 'HEAD~1', '--to', 'HEAD'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('spec diff HEAD~1 → HEAD\n');
    expect(r.stdout).toContain('  - 7.6.1-5\n');
    expect(r.stdout).toContain('  ~ 7.6.1-4.a\n      modality: MAY → SHALL\n      decision: check-pending-files → (none)\n');
    expect(r.stdout).toContain('  ~ 7.6.2\n      summary: The sender ends a finished file transfer session with a SIP BYE. → The sender closes the finished session with a SIP BYE.\n');
    expect(r.stdout).toMatch(/generated files:\n(?: {2}~ \S+\n)*  ~ generated\/handlers\/file-transfer\.ts\n/);
    expect(r.stdout).toContain('  CPM-CR-FT-4A R02: Mandatory check; no failure step\n    ~ 7.6.1-4.a (modality, decision)\n    - 7.6.1-5\n');
  });

  it('--from HEAD compares with the work tree; --format json has the same data', async () => {
    const crPath = join(root, 'spec/cr/cpm-cr-ft-4a.cr');
    const committed = readFileSync(crPath, 'utf8');
    writeFileSync(crPath, committed.replace('  remove 7.6.1-5\n', ''));
    try {
      const r = await runCommand(run, ['diff', '--from', 'HEAD', '--format', 'json'], root);
      expect(r.code).toBe(0);
      const diff = JSON.parse(r.stdout) as { to: string; added: string[]; removed: string[]; changed: unknown[]; generated: { changed: string[] } };
      expect(diff).toMatchObject({ to: 'work tree', added: ['7.6.1-5'], removed: [], changed: [] });
      expect(diff.generated.changed).toContain('generated/handlers/file-transfer.ts');
    } finally {
      writeFileSync(crPath, committed);
    }
  });

  it('an unknown revision is a clear error', async () => {
    const r = await runCommand(run, ['diff', '--from', 'no-such-rev'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cpm-ft spec diff: cannot read spec\/cr\/ORDER at revision no-such-rev: /);
  });
});
