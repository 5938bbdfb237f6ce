// Lands one example CR of spec/examples/ in a temporary copy of the project and checks it is green
// there: the CR is added to spec/cr/ORDER, `spec check` and `generate` run in the copy, then the
// copy's regenerated conformance tests (the CR's and the RFC 5547 answerer's, whose wire tests run
// the real sender and the real receiver), the same sender scenarios through the shipped client
// (test/conformance/shipped-configuration.test.ts) and the e2e test of the step-4 rules
// (test/e2e/step4-follows-spec.test.ts, which derives what must be on the wire from the copy's own
// spec), then `trace --strict` on those results.
//
// Each example has a test file of its own under land-example/, so vitest's workers land several at
// once; the examples `spec check` rejects, and the list tying each example to its checks, are in
// land-example-crs.test.ts.

import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { cliEntry } from '../helpers/cli-entry.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const examples = readdirSync(join(repoRoot, 'spec/examples')).filter((f) => f.endsWith('.cr')).sort();

/** Where the test file landing `example` lives (one file per example, so they run in parallel). */
export function landingTestFile(example: string): string {
  return `test/cr-workflow/land-example/${example.replace(/\.cr$/, '')}.test.ts`;
}

// Not copied: the dependencies (linked instead), git's data, caches and build output (which another
// test may be rewriting at that moment); none of them is read by what runs in the copy.
const skipped = new Set(['node_modules', '.git', '.cache', 'dist']);

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-land-'));
  cpSync(repoRoot, dir, { recursive: true, filter: (source) => !skipped.has(relative(repoRoot, source).split(/[\\/]/)[0] ?? '') });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export function run(cwd: string, command: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }, timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * Runs `cpm-ft args` in `cwd` (the repository or a copy of it): the repository's built CLI when
 * dist/ is a fresh build of these sources, which a copy shares (only its spec/ differs, and the
 * CLI reads the spec, tsconfig and runtime from its working folder), else `cwd`'s own sources.
 */
export function runCpmFt(cwd: string, args: string[]): { code: number | null; out: string } {
  const entry = cliEntry();
  return run(cwd, process.execPath, [entry.kind === 'dist' ? entry.bin : 'bin/cpm-ft.js', ...args]);
}

/** The generated conformance file whose tests show an example's change (default: the CR's clauses). */
const conformanceUnit: Readonly<Record<string, string>> = { 'cr-verify-hash-shall-not.cr': 'rfc5547-answerer' };

/** Examples `spec check` rejects, each with the one error it must print (first line, exactly). */
export const rejected: Readonly<Record<string, string>> = {
  'cr-release-shall-not.cr':
    "spec/examples/cr-release-shall-not.cr:12:10: error[prohibited-outcome]: on last-send-acknowledged when no fact holds: rule '7.6.1-4.c' releases the session by following 7.6.2, whose send-bye SHALL NOT rule '7.6.2' forbids; the session would be left open",
  'cr-remove-one-to-one-setup.cr':
    'spec/examples/cr-remove-one-to-one-setup.cr:10:3: error[unspecified]: on send-files-requested when one-recipient, one-to-one-session: no rule says which clause sets the session up (follow-clause 7.3.1, 7.4.1.1 or 7.4.1.2); the runtime has no default for this',
  'cr-4b-ii-should-shared-point.cr':
    "spec/examples/cr-4b-ii-should-shared-point.cr:11:10: error[unreachable-branch]: the declined branch of SHOULD rule '7.6.1-4.b.ii' can never be taken: its decision point 'check-pending-files' is also consulted by '7.6.1-4.a', and the runtime takes one answer per point: answering no there keeps '7.6.1-4.b.ii' from being reached; use a decision point of its own, or make the rule SHALL",
};

/**
 * Examples `spec check` accepts with warnings, each with every warning and note it must print
 * (first lines, exactly, in order; run on the repository with `--cr`).
 */
const forcedBy = (rule: string, line: number): string[] => [
  `spec/cr/cpm-cr-ft-release.cr:${line}:12: warning[unreachable-rule]: rule '${rule}' can no longer apply on last-send-acknowledged: '7.6.1-2.success-report' performs request-success-reports in every situation of send-files-requested, so success-report-requested is always true; its actions never happen there and no test is generated for it`,
  "spec/examples/cr-success-report-shall.cr:12:12: note: '7.6.1-2.success-report' forces success-report-requested here",
];
export const warned: Readonly<Record<string, string[]>> = {
  // A SHALL that asks for success REPORTs on every SEND: step 4's last-send-acknowledged branches can no longer apply.
  'cr-success-report-shall.cr': [
    ...forcedBy('7.6.1-4.a', 56),
    ...forcedBy('7.6.1-4.b', 65),
    ...forcedBy('7.6.1-4.b.i', 75),
    ...forcedBy('7.6.1-4.b.ii', 85),
    ...forcedBy('7.6.1-4.c', 95),
  ],
};

/** What each example must show on the wire, beyond its conformance tests passing. */
export const wireSigns: Readonly<Record<string, RegExp[]>> = {
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
  // A fact-forcing SHALL: every SEND asks for a success REPORT and step 4 runs on the REPORT (the
  // new rule's wire check asks for both); step 4 keeps its success-report-received tests only.
  'cr-success-report-shall.cr': [
    /it\('7\.6\.1-2\.success-report wire: on send-files-requested shows request-success-reports'/,
    /it\('7\.6\.1-4\.c wire: on success-report-received when success-report-requested shows follow-clause 7\.6\.2, no send-reinvite'/,
    /it\('7\.6\.1-4\.b wire: on success-report-received when success-report-requested, pending-files-same-destination, wants-mline-reuse, unused-mlines shows send-reinvite'/,
  ],
};

/** What an example's generated tests must no longer have: tests of situations the CR makes impossible. */
const goneSigns: Readonly<Record<string, RegExp[]>> = {
  'cr-success-report-shall.cr': [/it\('7\.6\.1-4\.[a-c.i]+ (\[[^\]]*\] )?wire: on last-send-acknowledged/],
};

/** The first line of each diagnostic `spec check` printed (errors, warnings, notes), in order. */
export function diagnosticLines(out: string): string[] {
  return out.split('\n').filter((line) => /^\S+:\d+:\d+: (error|warning|note)\b/.test(line));
}

/** The CR text without its comments and blank lines: what `spec check` reads of it. */
function crBody(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(#.*)?$/.test(line))
    .join('\n');
}

/**
 * The spec/cr file that already holds `example`'s CR (same CR id), if any. Such an example is
 * landed in the repository itself, where `npm test` checks it (spec check, generate --check, the
 * conformance tests, the step-4 e2e test, trace --strict); it must then say exactly what the landed
 * CR says, so the two cannot drift apart.
 */
export function landedAs(example: string): string | undefined {
  const text = readFileSync(join(repoRoot, 'spec/examples', example), 'utf8');
  const id = /^cr\s+(\S+)/m.exec(text)?.[1];
  if (id === undefined) return undefined;
  return readdirSync(join(repoRoot, 'spec/cr'))
    .filter((f) => f.endsWith('.cr'))
    .find((f) => new RegExp(`^cr\\s+${id}\\s`, 'm').test(readFileSync(join(repoRoot, 'spec/cr', f), 'utf8')));
}

export function sameCr(example: string, landed: string): boolean {
  const read = (path: string): string => crBody(readFileSync(join(repoRoot, path), 'utf8'));
  return read(`spec/examples/${example}`) === read(`spec/cr/${landed}`);
}

/** Lands `example` (a CR not yet in spec/cr) in a fresh copy of the project and checks it is green there. */
export function landExampleInCopy(example: string): void {
  expect(landedAs(example), `${example} is already in spec/cr`).toBeUndefined();
  const copy = copyProject();
  try {
    copyFileSync(join(repoRoot, 'spec/examples', example), join(copy, 'spec/cr', example));
    appendFileSync(join(copy, 'spec/cr/ORDER'), `${example}\n`);
    const check = runCpmFt(copy, ['spec', 'check']);
    expect(check.out).toMatch(/^spec ok: .* CRs applied/);
    expect(check.code).toBe(0);
    // Landed, the example's warnings name spec/cr/ instead of spec/examples/; otherwise the same lines.
    const warnings = warned[example];
    if (warnings !== undefined) expect(diagnosticLines(check.out)).toEqual(warnings.map((line) => line.replace(`spec/examples/${example}`, `spec/cr/${example}`)));
    const generated = runCpmFt(copy, ['generate']);
    expect(generated.code, generated.out).toBe(0);

    const conformance = readFileSync(join(copy, `generated/conformance/${conformanceUnit[example] ?? 'file-transfer'}.test.ts`), 'utf8');
    for (const sign of wireSigns[example] ?? []) expect(conformance).toMatch(sign);
    for (const sign of goneSigns[example] ?? []) expect(conformance).not.toMatch(sign);
    if (example === 'cr-verify-hash-shall-not.cr') {
      // Before the CR the receiver checks the hash; after it, the wire test asserts that it does not.
      const before = readFileSync(join(repoRoot, 'generated/conformance/rfc5547-answerer.test.ts'), 'utf8');
      expect(before).toMatch(/it\('RFC5547-6-1\.verify-hash wire: on file-data-complete when selector-has-hash shows verify-file-hash'/);
      expect(conformance).not.toMatch(/RFC5547-6-1\.verify-hash wire: [^']* shows verify-file-hash/);
    }

    // The generated tests, the same sender scenarios through the shipped client, and the step-4 e2e test.
    const files = readdirSync(join(copy, 'generated/conformance')).filter((f) => f.endsWith('.test.ts')).length + 2;
    // One worker: it imports the copy's runtime once for the four files instead of once per worker
    // (about 1 s of CPU less per example); the outer run keeps the cores busy meanwhile.
    const tests = run(copy, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--maxWorkers=1', '--reporter=default', '--reporter=json', '--outputFile.json=.cache/vitest-results.json', 'generated/', 'test/conformance/shipped-configuration.test.ts', 'test/e2e/step4-follows-spec.test.ts']);
    expect(tests.out, tests.out).toMatch(new RegExp(`Test Files\\s+${files} passed \\(${files}\\)`));
    expect(tests.code, tests.out).toBe(0);
    // As `npm test` ends: every rule of the landed spec, including one the CR leaves unreachable, has a passing wire test.
    const trace = runCpmFt(copy, ['trace', '--format', 'md', '--out', '.cache/trace.md', '--strict']);
    expect(trace.code, trace.out).toBe(0);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
