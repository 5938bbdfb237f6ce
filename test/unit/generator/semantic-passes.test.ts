// spec check on what rules mean together: a SHALL NOT against a rule asking for the same action in
// an overlapping situation, and a situation after the last SEND that no rule concludes. Small
// self-contained specs, so no CR to the real spec changes these tests.
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../../generator/compile-spec.ts';

const base = `
clause 7.6.1 "Initiation"
clause 7.6.2 "Release"
rule 7.6.1-1 SHALL { on send-files-requested do follow-clause 7.3.1 summary "set up" }
rule 7.6.1-3 SHALL { on send-files-requested if more-than-one-file do one-mline-per-file summary "m-lines" }
rule 7.6.2 SHALL { on transfer-complete do send-bye summary "bye" }
external clause 7.3.1 "1-1"
`;

const compile = (rules: string) => compileSpec([{ path: 'spec/t.rules', text: base + rules }]);
const codes = (rules: string): string[] => compile(rules).diagnostics.map((d) => `${d.code}@${d.location?.line ?? 0}`);
const lineOf = (text: string, needle: string): number => (base + text).split('\n').findIndex((l) => l.includes(needle)) + 1;

const step4 = `
rule 7.6.1-4.a MAY { on last-send-acknowledged decision check-pending-files do check-pending-files summary "a" }
rule 7.6.1-4.b SHALL { on last-send-acknowledged if fired(7.6.1-4.a) and pending-files-same-destination do send-reinvite summary "b" }
rule 7.6.1-4.c SHALL { on last-send-acknowledged otherwise 7.6.1-4.b do follow-clause 7.6.2 summary "c" }
`;

describe('semantic spec checks', () => {
  it('accepts a step 4 that always releases or continues', () => {
    expect(compile(step4).diagnostics).toEqual([]);
  });

  it('uncovered-situation: without a release rule, a located error names the situation', () => {
    const rules = step4.split('\n').filter((l) => !l.includes('7.6.1-4.c')).join('\n');
    const result = compile(rules);
    expect(result.ir).toBeNull();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['uncovered-situation']);
    expect(result.diagnostics[0]?.message).toContain('on last-send-acknowledged when no fact holds: no rule releases the session or continues it');
    expect(result.diagnostics[0]?.location?.line).toBe(lineOf(rules, '7.6.1-4.b SHALL'));
  });

  it('uncovered-situation: success reports raise a second event, and its rules count too', () => {
    const guarded = step4.replace(/on last-send-acknowledged/g, 'on last-send-acknowledged when not success-report-requested');
    expect(codes(guarded)).toEqual([expect.stringMatching(/^uncovered-situation@/)]);
    expect(compile(guarded).diagnostics[0]?.message).toContain('on last-send-acknowledged + success-report-received when success-report-requested');
  });

  it('session-outcome-conflict: a release and a re-INVITE in the same situation', () => {
    const both = step4.replace('otherwise 7.6.1-4.b ', '');
    expect(compile(both).diagnostics.map((d) => d.code)).toEqual(['session-outcome-conflict']);
  });

  it('modality-conflict: SHALL NOT against SHALL on the same action in an overlapping situation, located at both', () => {
    const rules = `${step4}rule 7.6.2-1 SHALL NOT { on transfer-complete do send-bye summary "no bye" }\n`;
    const result = compile(rules);
    // The release that 7.6.1-4.c asks for through 7.6.2 is then forbidden as well.
    expect(result.diagnostics.map((d) => d.code).sort()).toEqual(['modality-conflict', 'prohibited-outcome']);
    const conflict = result.diagnostics.find((d) => d.code === 'modality-conflict');
    expect(conflict?.location?.line).toBe(lineOf(rules, '7.6.2-1 SHALL NOT'));
    expect(conflict?.notes[0]?.location?.line).toBe(lineOf(rules, 'rule 7.6.2 SHALL'));
  });

  it('no modality-conflict when the situations cannot overlap', () => {
    const rules = `${step4.replace('rule 7.6.2 ', 'rule 7.6.2 ')}rule 7.6.1-4.d SHALL NOT { on last-send-acknowledged if not pending-files-same-destination do send-reinvite summary "d" }\n`;
    expect(codes(rules)).toEqual([]);
  });

  it('unexpected-decision-point / missing-decision-point for SHALL NOT and SHOULD', () => {
    const shallNot = `${step4}rule 7.6.1-6 SHALL NOT { on transfer-complete decision check-pending-files do send-bye summary "x" }\n`;
    expect(compile(shallNot).diagnostics.map((d) => d.code)).toContain('unexpected-decision-point');
    const should = `${step4}rule 7.6.1-7 SHOULD { on transfer-complete do send-bye summary "y" }\n`;
    expect(compile(should).diagnostics.map((d) => d.code)).toContain('missing-decision-point');
  });
});
