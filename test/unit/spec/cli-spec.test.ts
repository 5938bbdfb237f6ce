// `cpm-ft spec check` / `spec diff` through the command module, with in-memory stdout/stderr.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/commands/spec.ts';
import { seedSpecRoot } from '../../helpers/seed-spec.ts';

// The commands run in a scratch root whose spec/ is the frozen seed (test/fixtures/seed-spec/), so
// the counts and diff lines below do not move when a CR lands in the live spec/.
const root = seedSpecRoot();
const scratch = mkdtempSync(join(tmpdir(), 'cpm-ft-spec-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await run(args, { stdout, stderr, cwd: root, env: {} });
  stdout.end();
  stderr.end();
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('cpm-ft spec', () => {
  it('check: exit 0 and a one-line summary for the seed spec', async () => {
    const r = await cli(['check']);
    expect(r).toEqual({ code: 0, stdout: 'spec ok: 13 rules in 3 clauses, 7 SDP attributes, 1 CR applied (5 files)\n', stderr: '' });
  });

  it('check --verbose prints stage timings', async () => {
    const r = await cli(['check', '--verbose']);
    expect(r.code).toBe(0);
    for (const stage of ['read', 'parse', 'prepare', 'check', 'lower', 'parser-freshness']) expect(r.stdout).toMatch(new RegExp(`^  ${stage} +[0-9.]+ ms$`, 'm'));
  });

  it('check FILES: exit 1 with each problem formatted on stderr', async () => {
    const file = join(scratch, 'bad.rules');
    writeFileSync(file, 'clause 7.6.1 "Initiation"\nrule 7.6.1-1 SHALL {\n  on send-file-requested\n  do send-bye\n  summary "s"\n}\n');
    const r = await cli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const rel = r.stderr.split(':')[0]!;
    expect(rel.endsWith('bad.rules')).toBe(true);
    expect(r.stderr).toContain(`${rel}:3:6: error[unknown-event]: unknown event 'send-file-requested'; did you mean 'send-files-requested'?\n`);
    expect(r.stderr).toContain('3 |   on send-file-requested\n  |      ^\n');
    expect(r.stderr).toMatch(/spec check failed: 1 error\n$/);
  });

  it('check: a syntax error is a located diagnostic, not a stack trace', async () => {
    const file = join(scratch, 'syntax.rules');
    writeFileSync(file, 'clause 7.6.1 "Initiation"\nrule 7.6.1-1 SHALL {\n  on send-files-requested\n  do send-bye\n');
    const r = await cli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:5:1: error\[syntax-error\]: expected .* but found end of file\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('check --cr applies an extra CR', async () => {
    const r = await cli(['check', '--cr', 'spec/examples/cr-4a-shall.cr']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 CRs applied (6 files)');
  });

  it('diff: per CR, the rules it added and the fields it modified', async () => {
    const r = await cli(['diff', '--cr', 'spec/examples/cr-4a-shall.cr']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^CPM-CR-FT-RELEASE R01: .*\n {2}\+ 7\.6\.1-1\.one-to-one\n/);
    expect(r.stdout).toContain('  + 7.6.2\n');
    expect(r.stdout).toMatch(/\nCPM-CR-FT-4A-SHALL R01: .*\n {2}~ 7\.6\.1-4\.a \(modality, decision, summary\)\n$/);
  });

  it('diff --format json', async () => {
    const r = await cli(['diff', '--format', 'json', '--cr', 'spec/examples/cr-4a-shall.cr']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as { cr: string; added: string[]; modified: { rule: string; fields: string[] }[]; removed: string[] }[];
    expect(entries.map((e) => e.cr)).toEqual(['CPM-CR-FT-RELEASE', 'CPM-CR-FT-4A-SHALL']);
    expect(entries[0]?.added).toHaveLength(12);
    expect(entries[1]).toMatchObject({ added: [], removed: [], modified: [{ rule: '7.6.1-4.a', fields: ['modality', 'decision', 'summary'] }] });
  });

  it('usage errors exit 2', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['check', '--bogus'])).code).toBe(2);
    expect((await cli(['diff', '--format', 'yaml'])).code).toBe(2);
    expect((await cli(['diff', 'spec/documents.rules'])).code).toBe(2);
  });
});
