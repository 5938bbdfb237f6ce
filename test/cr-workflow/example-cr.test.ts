// The spec editor's workflow, end to end, on the example CR spec/examples/cr-4a-shall.cr (7.6.1
// step 4.a: MAY → SHALL). Nothing of the procedure layer is mocked: the spec is compiled with and
// without the CR, both variants are generated in memory, the CR variant's handlers are written to
// disk and imported, and the real sending client runs each variant against the scripted peer over
// loopback SIP and MSRP. The judgement is made on the wire record only. The spec is the frozen seed
// (test/fixtures/seed-spec/ and its copy of the example CR), so landing CRs in spec/ changes nothing here.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, appendFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/generate.ts';
import type { RuleIR, SpecIR } from '../../generator/ir/types.ts';
import type { FileTransferProcedures, ProcedureHandlers } from '../../runtime/index.ts';
import { expectAction, expectNoAction, runConformanceScenario, type ScenarioOutcome } from '../../runtime/testing/conformance/index.ts';
import { byes, finalResponseTo, initialInvites, offeredNames, reinvites, senderSendsOf } from '../../runtime/testing/conformance/wire-queries.ts';
import type { SipWireEntry, WireRecord } from '../../runtime/testing/conformance/wire-record.ts';
import { main, type CliIo } from '../../src/cli/main.ts';
import { loadSeedSpec, seedExampleCr, seedExampleCrInput, seedProcedures, seedSpecRoot } from '../helpers/seed-spec.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const exampleCr = seedExampleCr;
const ruleId = '7.6.1-4.a';

/** Every temporary directory made here, removed in afterAll. */
const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

/** Runs the real CLI in-process with `cwd` as the repository root. */
async function cli(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = { stdout, stderr, cwd, env: {} };
  const code = await main(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function ruleOf(ir: SpecIR, id: string): RuleIR {
  const rule = ir.rules.find((r) => r.id === id);
  if (rule === undefined) throw new Error(`rule ${id} is not in the IR`);
  return rule;
}

/** A rule without the fields a CR's bookkeeping changes, to compare rules across variants. */
const ruleBody = ({ source: _source, ...rest }: RuleIR): Omit<RuleIR, 'source'> => rest;

let baseIr: SpecIR;
let crIr: SpecIR;
let baseFiles: Map<string, string>;
let crFiles: Map<string, string>;

beforeAll(async () => {
  const base = loadSeedSpec();
  const withCr = loadSeedSpec([seedExampleCrInput()]);
  expect(base.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(withCr.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (base.ir === null || withCr.ir === null) throw new Error('the spec did not compile');
  baseIr = base.ir;
  crIr = withCr.ir;
  baseFiles = generate(baseIr);
  crFiles = generate(crIr);
});

describe('example CR spec/examples/cr-4a-shall.cr: spec level', () => {
  it(`${ruleId} goes from MAY with a decision point to SHALL without one; no other rule changes`, () => {
    const before = ruleOf(baseIr, ruleId);
    const after = ruleOf(crIr, ruleId);
    expect([before.modality, before.decision]).toEqual(['MAY', 'check-pending-files']);
    expect([after.modality, after.decision]).toEqual(['SHALL', null]);
    expect(after.cr).toEqual({ id: 'CPM-CR-FT-4A-SHALL', revision: 'R01' });
    expect(after.history.map((h) => `${h.cr} ${h.change}`)).toEqual(['CPM-CR-FT-RELEASE added', 'CPM-CR-FT-4A-SHALL modified']);
    // Triggers, guard and actions are untouched: only whether the client may skip the step changes.
    expect([after.triggers, after.guard, after.actions]).toEqual([before.triggers, before.guard, before.actions]);
    expect(crIr.rules.map((r) => r.id)).toEqual(baseIr.rules.map((r) => r.id));
    for (const rule of baseIr.rules.filter((r) => r.id !== ruleId)) expect(ruleBody(ruleOf(crIr, rule.id)), rule.id).toEqual(ruleBody(rule));
  });

  it('`spec diff --cr` names 7.6.1-4.a as modified in modality, decision and summary, and nothing else', async () => {
    const seedRoot = seedSpecRoot();
    temporary.push(seedRoot);
    const text = await cli(seedRoot, ['spec', 'diff', '--cr', exampleCr]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const section = text.stdout.slice(text.stdout.indexOf('CPM-CR-FT-4A-SHALL R01'));
    expect(section).toBe('CPM-CR-FT-4A-SHALL R01: Make the check for pending files after the last SEND mandatory\n  ~ 7.6.1-4.a (modality, decision, summary)\n');

    const json = await cli(seedRoot, ['spec', 'diff', '--format', 'json', '--cr', exampleCr]);
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.stdout) as { cr: string; added: string[]; modified: { rule: string; fields: string[] }[]; removed: string[] }[];
    expect(entries.map((e) => e.cr)).toEqual(['CPM-CR-FT-RELEASE', 'CPM-CR-FT-4A-SHALL']);
    expect(entries[1]).toMatchObject({ added: [], removed: [], modified: [{ rule: ruleId, fields: ['modality', 'decision', 'summary'] }] });

    // Without the CR the history has one entry only.
    const plain = await cli(seedRoot, ['spec', 'diff', '--format', 'json']);
    expect((JSON.parse(plain.stdout) as { cr: string }[]).map((e) => e.cr)).toEqual(['CPM-CR-FT-RELEASE']);
  });

  it('generation changes the step-4 handlers, the handler index, the conformance tests, their wire scenarios and the trace; the SDP builders stay', () => {
    expect([...crFiles.keys()]).toEqual([...baseFiles.keys()]);
    const changed = [...crFiles].filter(([path, text]) => baseFiles.get(path) !== text).map(([path]) => path);
    expect(changed).toEqual(['generated/conformance/file-transfer.test.ts', 'generated/conformance/wire-scenarios.json', 'generated/handlers/file-transfer.ts', 'generated/handlers/index.ts', 'generated/trace.json']);
    const before = baseFiles.get('generated/handlers/file-transfer.ts') ?? '';
    const after = crFiles.get('generated/handlers/file-transfer.ts') ?? '';
    // The MAY asked the client at its decision point; the SHALL no longer asks.
    expect(before).toContain(`ctx.decide('check-pending-files', '${ruleId}', 'MAY')`);
    expect(after).not.toContain("ctx.decide('check-pending-files'");
    expect(after).toContain(`decisions.push({ rule: '${ruleId}', modality: 'SHALL', action: 'check-pending-files', args: [] });`);
    expect(after.split('\n')[0]).toBe('// Code generated by cpm-ft from spec/file-transfer.rules, spec/cr/cpm-cr-ft-release.cr, spec/examples/cr-4a-shall.cr. DO NOT EDIT.');
  });
});

/** Writes the generated modules (not the tests) under `<dir>/generated/`, with `<dir>/runtime` pointing at ours. */
function writeGeneratedTree(files: ReadonlyMap<string, string>): string {
  const dir = tempDir('cpm-ft-cr-generated-');
  symlinkSync(join(repoRoot, 'runtime'), join(dir, 'runtime'), 'dir');
  for (const [path, text] of files) {
    if (!path.endsWith('.ts') || path.endsWith('.test.ts')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function importProcedures(dir: string): Promise<FileTransferProcedures> {
  const handlers = (await import(pathToFileURL(join(dir, 'generated/handlers/index.ts')).href)) as { procedureHandlers: ProcedureHandlers };
  const sdp = (await import(pathToFileURL(join(dir, 'generated/sdp/sdp-attributes.ts')).href)) as {
    buildFileAttributes: FileTransferProcedures['fileAttributes']['build'];
    parseFileAttributes: FileTransferProcedures['fileAttributes']['parse'];
  };
  return { handlers: handlers.procedureHandlers, fileAttributes: { build: sdp.buildFileAttributes, parse: sdp.parseFileAttributes } };
}

/**
 * The situation of 7.6.1 step 4: one file in the first batch, a second batch queued for the same
 * destination, m-line reuse wanted, and the client configured NOT to check for pending files
 * (checkPendingFiles = false, the answer at the MAY's decision point).
 */
const run = (procedures: FileTransferProcedures): Promise<ScenarioOutcome> =>
  runConformanceScenario({
    rule: ruleId,
    event: 'last-send-acknowledged',
    facts: ['pending-files-same-destination', 'wants-mline-reuse'],
    decide: { 'check-pending-files': false },
    procedures,
  });

/** The peer's 200 to the last SEND of `name`, by sequence number (0 if none). */
function lastSendAnswered(record: WireRecord, name: string): number {
  const sends = senderSendsOf(record, name);
  const ids = new Set(sends.map((s) => s.transactionId));
  const answers = record.msrp().filter((e) => e.from === 'peer' && e.kind === 'response' && e.status === 200 && ids.has(e.transactionId));
  return answers.reduce((m, e) => Math.max(m, e.seq), 0);
}

const inSession = (entries: readonly SipWireEntry[], callId: string): SipWireEntry[] => entries.filter((e) => e.callId === callId);

describe('example CR spec/examples/cr-4a-shall.cr: behaviour on the wire', () => {
  it('with the seed handlers the MAY is declined: no re-INVITE, the first session ends with a BYE, the queued file never enters it', async () => {
    const o = await run(await seedProcedures());
    const record = o.record.describe();
    expect(o.error, record).toBeUndefined();
    expect(o.batch.map((f) => f.name)).toEqual(['alpha.txt']);
    expect(o.queued.map((f) => f.name)).toEqual(['bravo.txt']);

    const first = initialInvites(o.record)[0];
    if (first === undefined) throw new Error(`no INVITE:\n${record}`);
    expect(offeredNames(first)).toEqual(['alpha.txt']);
    expect(reinvites(o.record), record).toEqual([]);
    const bye = inSession(byes(o.record), first.callId);
    expect(bye, record).toHaveLength(1);
    expect(bye[0]?.seq ?? 0).toBeGreaterThan(lastSendAnswered(o.record, 'alpha.txt'));
    // No SEND of the queued file travels in the first session (before its BYE).
    expect(senderSendsOf(o.record, 'bravo.txt').filter((s) => s.seq < (bye[0]?.seq ?? 0)), record).toEqual([]);
    // The runtime sends a batch left over after a release (step 4.c) in a session of its own:
    // a new INVITE with a new Call-ID, after the first BYE, never a re-INVITE.
    const second = initialInvites(o.record)[1];
    expect(initialInvites(o.record), record).toHaveLength(2);
    expect(second?.callId).not.toBe(first.callId);
    expect(second?.seq ?? 0).toBeGreaterThan(bye[0]?.seq ?? Infinity);
    expect(offeredNames(second)).toEqual(['bravo.txt']);

    expect(o.decisions.filter((d) => d.rule === ruleId)).toEqual([]);
    expect(o.decisions).toContainEqual({ rule: '7.6.1-4.c', action: 'follow-clause', args: ['7.6.2'] });
    expect([...expectNoAction(o, 'check-pending-files'), ...expectNoAction(o, 'send-reinvite'), ...expectAction(o, 'follow-clause', ['7.6.2'])], record).toEqual([]);
  });

  it('with the CR variant generated and imported from disk the SHALL applies: a re-INVITE carries the queued file, then the BYE', async () => {
    const procedures = await importProcedures(writeGeneratedTree(crFiles));
    // The import really is the CR variant: its handler does not consult the decision point.
    expect(procedures.handlers).not.toBe((await seedProcedures()).handlers);

    const o = await run(procedures);
    const record = o.record.describe();
    expect(o.error, record).toBeUndefined();

    const invites = initialInvites(o.record);
    expect(invites, record).toHaveLength(1);
    const first = invites[0] as SipWireEntry;
    expect(offeredNames(first)).toEqual(['alpha.txt']);
    const re = reinvites(o.record);
    expect(re, record).toHaveLength(1);
    const reinvite = re[0] as SipWireEntry;
    expect(reinvite.callId).toBe(first.callId);
    expect(offeredNames(reinvite)).toEqual(['bravo.txt']);
    // Only after the first file is through, and the peer accepts it.
    expect(reinvite.seq).toBeGreaterThan(lastSendAnswered(o.record, 'alpha.txt'));
    const accepted = finalResponseTo(o.record, reinvite);
    expect(accepted?.status).toBe(200);
    // The queued file goes over MSRP after that 200, and the BYE comes once it is through.
    const bravo = senderSendsOf(o.record, 'bravo.txt');
    expect(bravo.length, record).toBeGreaterThan(0);
    expect(Math.min(...bravo.map((s) => s.seq))).toBeGreaterThan(accepted?.seq ?? Infinity);
    const bye = byes(o.record);
    expect(bye, record).toHaveLength(1);
    expect(bye[0]?.callId).toBe(first.callId);
    expect(bye[0]?.seq ?? 0).toBeGreaterThan(lastSendAnswered(o.record, 'bravo.txt'));

    expect(o.decisions).toContainEqual({ rule: ruleId, action: 'check-pending-files', args: [] });
    expect(o.decisions).toContainEqual({ rule: '7.6.1-4.b', action: 'send-reinvite', args: [] });
    expect([...expectAction(o, 'check-pending-files'), ...expectAction(o, 'send-reinvite'), ...expectAction(o, 'reuse-mline'), ...expectAction(o, 'follow-clause', ['7.6.2'])], record).toEqual([]);
  });
});

describe('example CR added to spec/cr/ORDER in a copy of the repository', () => {
  let copy: string;
  beforeAll(() => {
    // spec/ is the seed fixture; runtime/ and node_modules are linked, since generate type-checks its
    // output against runtime/index.ts under the root it runs in.
    copy = seedSpecRoot('cpm-ft-cr-copy-');
    temporary.push(copy);
  });

  it('`generate --check` names the stale files until `generate` is run', async () => {
    // A fresh baseline first, so the check below sees only what the CR changes.
    const baseline = await cli(copy, ['generate']);
    expect(baseline.stderr).toBe('');
    expect(baseline.code).toBe(0);
    expect((await cli(copy, ['generate', '--check'])).code).toBe(0);

    copyFileSync(join(copy, exampleCr), join(copy, 'spec/cr/cpm-cr-ft-4a-shall.cr'));
    appendFileSync(join(copy, 'spec/cr/ORDER'), 'cpm-cr-ft-4a-shall.cr\n');
    expect((await cli(copy, ['spec', 'check'])).stdout).toBe('spec ok: 13 rules in 3 clauses, 7 SDP attributes, 2 CRs applied (6 files)\n');

    const stale = await cli(copy, ['generate', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      [
        'stale: generated/conformance/file-transfer.test.ts',
        'stale: generated/conformance/wire-scenarios.json',
        'stale: generated/handlers/file-transfer.ts',
        'stale: generated/handlers/index.ts',
        'stale: generated/trace.json',
        'cpm-ft generate --check: generated/ is out of date; run `cpm-ft generate`',
        '',
      ].join('\n'),
    );

    const written = await cli(copy, ['generate']);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('generated 6 files (5 written, 1 unchanged, 0 deleted)');

    const fresh = await cli(copy, ['generate', '--check']);
    expect(fresh.stderr).toBe('');
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toBe('generated/ is up to date (6 files)\n');
  });
});
