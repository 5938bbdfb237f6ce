// The encoded seed CR compiles to exactly the expected rules; the example CR turns 7.6.1-4.a into a
// SHALL without decision point; output is deterministic. All of it on the frozen copy of the seed
// (test/fixtures/seed-spec/), never the live spec/, which CRs keep changing.
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../../generator/compile-spec.ts';
import { validateIr } from '../../../generator/ir/validate-ir.ts';
import { loadSeedSpec, seedExampleCr, seedExampleCrInput, seedSpecInputs } from '../../helpers/seed-spec.ts';

const step4Triggers = [
  { event: 'last-send-acknowledged', guard: { kind: 'not', operand: { kind: 'fact', name: 'success-report-requested' } } },
  { event: 'success-report-received', guard: { kind: 'fact', name: 'success-report-requested' } },
];

describe('seed spec (fixture)', () => {
  it('compiles without diagnostics to exactly the expected rule ids and modalities, in order', () => {
    const { ir, diagnostics } = loadSeedSpec();
    expect(diagnostics).toEqual([]);
    expect(ir?.rules.map((r) => [r.id, r.modality])).toEqual([
      ['7.6.1-1.one-to-one', 'SHALL'],
      ['7.6.1-1.ad-hoc-group', 'SHALL'],
      ['7.6.1-1.predefined-group', 'SHALL'],
      ['7.6.1-2', 'SHALL'],
      ['7.6.1-3', 'SHALL'],
      ['7.6.1-4.a', 'MAY'],
      ['7.6.1-4.b', 'SHALL'],
      ['7.6.1-4.b.i', 'SHALL'],
      ['7.6.1-4.b.ii', 'SHALL'],
      ['7.6.1-4.c', 'SHALL'],
      ['7.6.1-5', 'SHALL'],
      ['7.6.2', 'SHALL'],
      // RFC 5547's offerer rule, not the CR's: without it several files in a group session are `unspecified`.
      ['RFC5547-5-1.mline-per-file', 'SHALL'],
    ]);
    expect(validateIr(ir)).toEqual([]);
  });

  it('encodes the step structure of the CR', () => {
    const { ir } = loadSeedSpec();
    const rule = (id: string) => ir!.rules.find((r) => r.id === id)!;
    expect(rule('7.6.1-1.one-to-one').actions.map((a) => [a.name, a.args])).toEqual([['follow-clause', ['7.3.1']], ['apply-rfc5547', []]]);
    expect(rule('7.6.1-1.ad-hoc-group').actions[0]?.args).toEqual(['7.4.1.1']);
    expect(rule('7.6.1-1.predefined-group').actions[0]?.args).toEqual(['7.4.1.2']);
    expect(rule('7.6.1-4.a')).toMatchObject({ decision: 'check-pending-files', triggers: step4Triggers, step: '4.a', clause: '7.6.1' });
    for (const id of ['7.6.1-4.b', '7.6.1-4.b.i', '7.6.1-4.b.ii', '7.6.1-4.c']) expect(rule(id).triggers).toEqual(step4Triggers);
    expect(rule('7.6.1-4.b').guard).toEqual({
      kind: 'and',
      operands: [{ kind: 'fired', rule: '7.6.1-4.a' }, { kind: 'fact', name: 'pending-files-same-destination' }, { kind: 'fact', name: 'wants-mline-reuse' }],
    });
    expect(rule('7.6.1-4.c')).toMatchObject({ otherwiseOf: '7.6.1-4.b', actions: [{ name: 'follow-clause', args: ['7.6.2'] }] });
    expect(rule('7.6.1-5').triggers.map((t) => t.event)).toEqual(['msrp-error-response', 'failure-report-received']);
    expect(rule('7.6.1-5').actions.map((a) => a.name)).toEqual(['indicate-transfer-failed']);
    expect(rule('7.6.2')).toMatchObject({ step: null, clause: '7.6.2', actions: [{ name: 'send-bye', args: [] }] });
    for (const r of ir!.rules) {
      expect(r.cr).toEqual(r.clause.startsWith('RFC') ? null : { id: 'CPM-CR-FT-RELEASE', revision: 'R01' });
      expect(r.summary.length).toBeGreaterThan(20);
    }
    expect(ir!.crs.map((c) => [c.id, c.revision, c.amends])).toEqual([['CPM-CR-FT-RELEASE', 'R01', ['7.6.1', '7.6.2']]]);
    expect(ir!.clauses.map((c) => [c.id, c.external, c.unit])).toEqual([
      ['7.3.1', true, 'cpm-conversation'],
      ['7.4.1.1', true, 'cpm-conversation'],
      ['7.4.1.2', true, 'cpm-conversation'],
      ['7.6.1', false, 'file-transfer'],
      ['7.6.2', false, 'file-transfer'],
      ['RFC5547-5', false, 'file-transfer'],
    ]);
  });

  it('defines the RFC 5547 attributes with runtime codecs', () => {
    const { ir } = loadSeedSpec();
    const attrs = Object.fromEntries(ir!.attributes.map((a) => [a.name, a]));
    expect(Object.keys(attrs)).toEqual(['file-selector', 'file-transfer-id', 'file-disposition', 'file-date', 'file-icon', 'file-range', 'direction']);
    expect(attrs['file-selector']!.parts.map((p) => [p.key, p.codec])).toEqual([
      ['name', 'quoted-string'],
      ['type', 'mime-type'],
      ['size', 'integer'],
      ['hash', 'hash'],
    ]);
    expect(attrs['file-date']!.parts.map((p) => [p.key, p.property, p.codec])).toEqual([
      ['creation', 'creation', 'date-time'],
      ['modification', 'modification', 'date-time'],
      ['read', 'read', 'date-time'],
    ]);
    expect([attrs['file-transfer-id']!.codec, attrs['file-disposition']!.codec, attrs['file-icon']!.codec, attrs['file-range']!.codec]).toEqual([
      'token',
      'token',
      'cid-url',
      'byte-range',
    ]);
    expect(attrs['direction']).toMatchObject({ kind: 'flag', alternatives: ['sendonly', 'recvonly', 'sendrecv', 'inactive'], codec: null });
    expect(attrs['file-transfer-id']).toMatchObject({ property: 'fileTransferId', kind: 'value', required: true, reference: 'RFC5547' });
  });

  it('applies the example CR: 7.6.1-4.a becomes SHALL with no decision point', () => {
    const { ir, diagnostics } = loadSeedSpec([seedExampleCrInput()]);
    expect(diagnostics).toEqual([]);
    const rule = ir!.rules.find((r) => r.id === '7.6.1-4.a')!;
    expect(rule).toMatchObject({ modality: 'SHALL', decision: null, triggers: step4Triggers, cr: { id: 'CPM-CR-FT-4A-SHALL', revision: 'R01' } });
    expect(rule.history).toEqual([
      { cr: 'CPM-CR-FT-RELEASE', revision: 'R01', change: 'added' },
      { cr: 'CPM-CR-FT-4A-SHALL', revision: 'R01', change: 'modified' },
    ]);
    expect(ir!.crs.at(-1)?.changes).toEqual([
      { kind: 'modify', rule: '7.6.1-4.a', fields: ['modality', 'decision', 'summary'], source: { file: seedExampleCr, line: 9, column: 3 } },
    ]);
    expect(ir!.rules.filter((r) => r.modality !== 'SHALL')).toEqual([]);
  });

  it('rejects the example CR applied before the CR it depends on', () => {
    const inputs = seedSpecInputs();
    const example = seedExampleCrInput();
    const result = compileSpec([...inputs.slice(0, 4), example, ...inputs.slice(4)]);
    expect(result.ir).toBeNull();
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['cr-order', 'cr-modifies-missing-rule']);
  });

  // Speed is measured by `npm run bench`, never asserted here.
  it('is deterministic', () => {
    const a = loadSeedSpec();
    const b = loadSeedSpec();
    expect(a.ir).not.toBeNull();
    expect(JSON.stringify(a.ir)).toBe(JSON.stringify(b.ir));
  });
});
