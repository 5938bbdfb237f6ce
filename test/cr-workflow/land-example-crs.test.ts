// Every example CR in spec/examples/ lands green: in a temporary copy of the project (the tree
// without node_modules/.git, node_modules linked), the CR is added to spec/cr/ORDER, `spec check`
// and `generate` run there, and then, in that copy, the regenerated conformance tests (the CR's
// and the RFC 5547 answerer's, whose wire tests run the real sender and the real receiver) and the
// e2e test of the step-4 rules (test/e2e/step4-follows-spec.test.ts, which derives what must be on
// the wire from the copy's own spec), then `trace --strict` on those results. One copy at a time: a
// copy's vitest run is a child process with its own forks.

import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const examples = readdirSync(join(repoRoot, 'spec/examples')).filter((f) => f.endsWith('.cr')).sort();
const skipped = new Set(['node_modules', '.git', '.cache']);

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-land-'));
  copies.push(dir);
  cpSync(repoRoot, dir, { recursive: true, filter: (source) => !skipped.has(relative(repoRoot, source).split(/[\\/]/)[0] ?? '') });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(cwd: string, command: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }, timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The generated conformance file whose tests show an example's change (default: the CR's clauses). */
const conformanceUnit: Readonly<Record<string, string>> = { 'cr-verify-hash-shall-not.cr': 'rfc5547-answerer' };

/** Examples `spec check` rejects, each with the one error it must print (first line, exactly). */
const rejected: Readonly<Record<string, string>> = {
  'cr-release-shall-not.cr':
    "spec/examples/cr-release-shall-not.cr:12:10: error[prohibited-outcome]: on last-send-acknowledged when no fact holds: rule '7.6.1-4.c' releases the session by following 7.6.2, whose send-bye SHALL NOT rule '7.6.2' forbids; the session would be left open",
  'cr-remove-one-to-one-setup.cr':
    'spec/examples/cr-remove-one-to-one-setup.cr:10:3: error[unspecified]: on send-files-requested when one-recipient, one-to-one-session: no rule says which clause sets the session up (follow-clause 7.3.1, 7.4.1.1 or 7.4.1.2); the runtime has no default for this',
  'cr-4b-ii-should-shared-point.cr':
    "spec/examples/cr-4b-ii-should-shared-point.cr:11:10: error[unreachable-branch]: the declined branch of SHOULD rule '7.6.1-4.b.ii' can never be taken: its decision point 'check-pending-files' is also consulted by '7.6.1-4.a', and the runtime takes one answer per point: answering no there keeps '7.6.1-4.b.ii' from being reached; use a decision point of its own, or make the rule SHALL",
};

/** What each example must show on the wire, beyond its conformance tests passing. */
const wireSigns: Readonly<Record<string, RegExp[]>> = {
  // SHALL: the check happens in every situation, so no decision branch is left.
  'cr-4a-shall.cr': [/it\('7\.6\.1-4\.a wire: on last-send-acknowledged when pending-files-same-destination, wants-mline-reuse shows check-pending-files'/],
  // SHALL NOT: with files queued, neither the check nor a re-INVITE (nor its m-line changes) may show; the release does.
  // The rules that depend on 4.a firing (4.b and its sub-steps) can no longer fire; their wire tests
  // build the situation where they would and check that their actions stay off the wire.
  'cr-4a-shall-not.cr': [
    /it\('7\.6\.1-4\.a wire: on last-send-acknowledged when pending-files-same-destination, wants-mline-reuse shows no check-pending-files, no send-reinvite, no reuse-mline, no close-unused-mline, follow-clause 7\.6\.2'/,
    /it\('7\.6\.1-4\.b wire: on last-send-acknowledged when pending-files-same-destination, wants-mline-reuse shows no send-reinvite, no reuse-mline, no close-unused-mline, follow-clause 7\.6\.2 \(not reached while 7\.6\.1-4\.a is SHALL NOT\)'/,
  ],
  // SHOULD: the default branch (left unanswered) and the declined branch are both tested.
  'cr-4a-should.cr': [/it\('7\.6\.1-4\.a \[default: yes\] wire: /, /it\('7\.6\.1-4\.a \[declined\] wire: /],
  // A new step with a new event and action: the cancel interrupts the SEND with '#' and releases the session.
  'cr-transfer-cancel.cr': [/it\('7\.6\.1-6 wire: on transfer-cancelled shows interrupt-send, follow-clause 7\.6\.2'/],
  // SHALL NOT on the receiving side: a pushed file whose bytes differ from the offered hash is published, not refused with 400.
  'cr-verify-hash-shall-not.cr': [
    /it\('RFC5547-6-1\.verify-hash wire: on file-data-complete when selector-has-hash shows no verify-file-hash'/,
  ],
};

describe('example CRs land green in a copy of the project', () => {
  it('every example has its wire signs or its diagnostic listed here', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect([...Object.keys(wireSigns), ...Object.keys(rejected)].sort()).toEqual(examples);
  });

  for (const [example, diagnostic] of Object.entries(rejected)) {
    it(`${example}: spec check rejects it with exactly its diagnostic`, () => {
      const check = run(repoRoot, process.execPath, ['bin/cpm-ft.js', 'spec', 'check', '--cr', `spec/examples/${example}`]);
      expect(check.code, check.out).toBe(1);
      // Errors only: a modality changed against its covers quote also draws covers-modality-mismatch warnings.
      const problems = check.out.split('\n').filter((line) => /^\S+:\d+:\d+: error\[/.test(line));
      expect(problems).toEqual([diagnostic]);
      expect(check.out).toContain('spec check failed: 1 error');
    });
  }

  for (const example of examples.filter((e) => !Object.hasOwn(rejected, e))) {
    it(`${example}: spec check, generate, conformance tests and the step-4 e2e test pass in the copy`, () => {
      const copy = copyProject();
      // A CR already landed in spec/cr (README's steps) is not added twice; the copy then runs as is.
      const text = readFileSync(join(repoRoot, 'spec/examples', example), 'utf8');
      const id = /^cr\s+(\S+)/m.exec(text)?.[1] ?? example;
      const landed = readdirSync(join(repoRoot, 'spec/cr')).some((f) => f.endsWith('.cr') && new RegExp(`^cr\\s+${id}\\s`, 'm').test(readFileSync(join(repoRoot, 'spec/cr', f), 'utf8')));
      if (!landed) {
        copyFileSync(join(repoRoot, 'spec/examples', example), join(copy, 'spec/cr', example));
        appendFileSync(join(copy, 'spec/cr/ORDER'), `${example}\n`);
      }
      const check = run(copy, process.execPath, ['bin/cpm-ft.js', 'spec', 'check']);
      expect(check.out).toMatch(/^spec ok: .* CRs applied/);
      expect(check.code).toBe(0);
      const generated = run(copy, process.execPath, ['bin/cpm-ft.js', 'generate']);
      expect(generated.code, generated.out).toBe(0);

      const conformance = readFileSync(join(copy, `generated/conformance/${conformanceUnit[example] ?? 'file-transfer'}.test.ts`), 'utf8');
      for (const sign of wireSigns[example] ?? []) expect(conformance).toMatch(sign);
      if (example === 'cr-verify-hash-shall-not.cr') {
        // Before the CR the receiver checks the hash; after it, the wire test asserts that it does not.
        const before = readFileSync(join(repoRoot, 'generated/conformance/rfc5547-answerer.test.ts'), 'utf8');
        expect(before).toMatch(/it\('RFC5547-6-1\.verify-hash wire: on file-data-complete when selector-has-hash shows verify-file-hash'/);
        expect(conformance).not.toMatch(/RFC5547-6-1\.verify-hash wire: [^']* shows verify-file-hash/);
      }

      const files = readdirSync(join(copy, 'generated/conformance')).filter((f) => f.endsWith('.test.ts')).length + 1;
      const tests = run(copy, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.cache/vitest-results.json', 'generated/', 'test/e2e/step4-follows-spec.test.ts']);
      expect(tests.out, tests.out).toMatch(new RegExp(`Test Files\\s+${files} passed \\(${files}\\)`));
      expect(tests.code, tests.out).toBe(0);
      // As `npm test` ends: every rule of the landed spec, including one the CR leaves unreachable, has a passing wire test.
      const trace = run(copy, process.execPath, ['bin/cpm-ft.js', 'trace', '--format', 'md', '--out', '.cache/trace.md', '--strict']);
      expect(trace.code, trace.out).toBe(0);
    }, 300_000);
  }
});
