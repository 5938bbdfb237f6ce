// Wire cases derived from the sample IR: the situation makes the rule and its dependents fire,
// "decided no" reuses the "yes" situation, and expectations follow the rule's actions, its
// dependents, its otherwise-target and what fires instead.
import { describe, expect, it } from 'vitest';
import { conformanceWireCases, type WireCase } from '../../../generator/emit/conformance-wire-cases.ts';
import { emitConformance } from '../../../generator/emit/emit-conformance.ts';
import { handlerUnits } from '../../../generator/generate.ts';
import { triggeredEvents } from '../../../generator/emit/rule-semantics.ts';
import { buildTrace, ruleStatus, type TraceTest } from '../../../generator/trace/build-trace.ts';
import type { RuleIR } from '../../../generator/ir/types.ts';
import { sampleIr, sampleRules } from '../generator/fixtures/sample-ir.ts';

const cases = conformanceWireCases(sampleRules, triggeredEvents(sampleRules));
const find = (id: string, event: string, branch: WireCase['branch']): WireCase | undefined => cases.find((c) => c.rule.id === id && c.event === event && c.branch === branch);
const shown = (c: WireCase | undefined): string[] => (c?.expectations ?? []).map((e) => `${e.present ? '+' : '-'}${e.action}${e.args.length > 0 ? ` ${e.args.join(' ')}` : ''}`);

describe('wire cases from the IR', () => {
  it('gives a MAY rule the facts its dependents need, and both branches the same situation', () => {
    // As in the real CR, 4.b depends on 4.a having fired; the sample IR leaves that guard out.
    const rules = sampleRules.map((r): RuleIR => (r.id === '9.6.1-4.b' ? { ...r, guard: { kind: 'and', operands: [{ kind: 'fired', rule: '9.6.1-4.a' }, ...(r.guard === null ? [] : [r.guard])] } } : r));
    const dependent = conformanceWireCases(rules, triggeredEvents(rules));
    const pick = (branch: WireCase['branch']) => dependent.find((c) => c.rule.id === '9.6.1-4.a' && c.event === 'last-send-acknowledged' && c.branch === branch);
    const yes = pick('yes');
    const no = pick('no');
    expect(yes?.facts).toEqual(['pending-files-same-destination', 'wants-mline-reuse']);
    expect(no?.facts).toEqual(yes?.facts);
    expect(yes?.decide).toEqual({ 'check-pending-files': true });
    expect(no?.decide).toEqual({ 'check-pending-files': false });
    expect(shown(yes)).toEqual(['+check-pending-files']);
    expect(shown(no)).toEqual(['-check-pending-files', '-send-reinvite', '-reuse-mline', '-close-unused-mline', '+follow-clause 9.6.2']);
  });

  it('a rule a SHALL NOT keeps from firing still gets a wire case: where it would fire, its actions must not show', () => {
    // 4.b depends on 4.a; with 4.a a SHALL NOT (as spec/examples/cr-4a-shall-not.cr makes it), 4.b is never reached.
    const rules = sampleRules.map((r): RuleIR => {
      if (r.id === '9.6.1-4.a') return { ...r, modality: 'SHALL NOT', decision: null };
      if (r.id === '9.6.1-4.b') return { ...r, guard: { kind: 'and', operands: [{ kind: 'fired', rule: '9.6.1-4.a' }, ...(r.guard === null ? [] : [r.guard])] } };
      return r;
    });
    const unreachable = conformanceWireCases(rules, triggeredEvents(rules)).find((c) => c.rule.id === '9.6.1-4.b' && c.event === 'last-send-acknowledged');
    expect(unreachable?.branch).toBe('only');
    expect(unreachable?.facts).toEqual(['pending-files-same-destination', 'wants-mline-reuse']);
    expect(shown(unreachable)).toEqual(['-send-reinvite', '-reuse-mline', '-close-unused-mline', '+follow-clause 9.6.2']);
    expect(unreachable?.title).toMatch(/ \(not reached while 9\.6\.1-4\.a is SHALL NOT\)$/);
    // Without the SHALL NOT cause, the same dependency leaves no unreachable rule behind.
    const shall = rules.map((r): RuleIR => (r.id === '9.6.1-4.a' ? { ...r, modality: 'SHALL' } : r));
    expect(conformanceWireCases(shall, triggeredEvents(shall)).filter((c) => / \(not reached while /.test(c.title))).toEqual([]);
  });

  it('without dependents, a declined MAY rule only must not show its own action', () => {
    const no = find('9.6.1-4.a', 'last-send-acknowledged', 'no');
    expect(no?.facts).toEqual([]);
    expect(shown(no)).toEqual(['-check-pending-files']);
  });

  it('makes an otherwise-rule show its action and the absence of its target\'s', () => {
    expect(shown(find('9.6.1-4.c', 'last-send-acknowledged', 'only'))).toEqual(['+follow-clause 9.6.2', '-send-reinvite']);
  });

  it('carries trigger guards into the facts (success reports) and titles the case as wire-level', () => {
    const c = find('9.6.1-4.b.ii', 'success-report-received', 'only');
    expect(c?.facts).toEqual(['success-report-requested', 'pending-files-same-destination', 'wants-mline-reuse', 'unused-mlines']);
    expect(c?.title).toBe('9.6.1-4.b.ii wire: on success-report-received when success-report-requested, pending-files-same-destination, wants-mline-reuse, unused-mlines shows close-unused-mline');
  });

  it('covers every rule, every triggering event and both branches of MAY rules', () => {
    const ids = new Set(cases.map((c) => c.rule.id));
    expect([...ids]).toEqual(sampleRules.map((r) => r.id));
    expect(cases.filter((c) => c.rule.id === '9.6.1-4.a').map((c) => `${c.event}/${c.branch}`)).toEqual([
      'last-send-acknowledged/yes', 'last-send-acknowledged/no', 'success-report-received/yes', 'success-report-received/no',
    ]);
  });

  it('emits one wire test per case into the conformance file and lists it for the trace', () => {
    const unit = handlerUnits(sampleIr())[0];
    if (unit === undefined) throw new Error('no handler unit');
    const out = emitConformance(unit, sampleIr().clauses);
    const wireTitles = out.cases.filter((c) => c.title.includes(' wire: ')).map((c) => c.title);
    expect(wireTitles).toEqual(cases.map((c) => c.title));
    for (const title of wireTitles) expect(out.text).toContain(`it('${title.replace(/'/g, "\\'")}', async () => {`);
    expect(out.text).toContain("from '../sdp/sdp-attributes.ts'");
    expect(out.text).toContain("await wire('9.6.1-4.a', 'last-send-acknowledged', [], { 'check-pending-files': false }, {}, [");
    // The situation check: the event ran with the rule's facts as built (here the trigger's success-report-requested).
    expect(out.text).toContain("await wire('9.6.1-4.a', 'success-report-received', ['success-report-requested'], { 'check-pending-files': true }, { 'success-report-requested': true }, [");
  });
});

describe('trace status with wire tests', () => {
  const t = (kind: TraceTest['kind'], status: TraceTest['status']): TraceTest => ({ name: `x ${kind}: y`, file: 'f', kind, status });
  it('passes a rule only when it has wire tests and all of them passed', () => {
    expect(ruleStatus([t('handler', 'pass'), t('wire', 'pass')])).toBe('pass');
    expect(ruleStatus([t('handler', 'pass')])).toBe('missing');
    expect(ruleStatus([t('handler', 'pass'), t('wire', 'pass'), t('wire', 'missing')])).toBe('missing');
    expect(ruleStatus([t('handler', 'pass'), t('wire', 'fail')])).toBe('fail');
    expect(ruleStatus([t('handler', 'fail'), t('wire', 'pass')])).toBe('fail');
  });

  it('classifies the generated wire tests as wire-level in the trace', () => {
    const trace = { generatedBy: '', clauses: [], rules: [{ id: '9.6.2-1', clause: '9.6.2', step: '1', modality: 'SHALL', summary: '', cr: null, code: [], tests: [{ name: '9.6.2-1 wire: on transfer-complete shows send-bye', file: 'g.test.ts' }] }] };
    const report = buildTrace(trace, new Map(), [{ file: 'g.test.ts', title: '9.6.2-1 wire: on transfer-complete shows send-bye', outcome: 'pass' }]);
    expect(report.rules[0]?.tests[0]?.kind).toBe('wire');
    expect(report.rules[0]?.status).toBe('pass');
  });
});
