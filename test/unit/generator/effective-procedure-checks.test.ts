// spec check on the effective procedure: `follow-clause` resolved to what the followed clause's
// rules do (prohibited-outcome, uncovered-situation), a decision branch a shared point makes
// impossible (unreachable-branch), a set-up choice the rules leave to nobody (unspecified), and a
// rule whose situation a forced fact rules out (unreachable-rule). Small self-contained specs.
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../../generator/compile-spec.ts';
import { reportUnreachableRules } from '../../../generator/passes/report-unreachable-rules.ts';
import { Session } from '../../../generator/session.ts';

const base = `
clause 7.6.1 "Initiation"
clause 7.6.2 "Release"
external clause 7.3.1 "1-1"
external clause 7.4.1.1 "ad hoc"
external clause 7.4.1.2 "predefined"
rule 7.6.1-1.a SHALL { on send-files-requested when one-recipient do follow-clause 7.3.1 summary "1-1" }
rule 7.6.1-1.b SHALL { on send-files-requested when recipient-list do follow-clause 7.4.1.1 summary "ad hoc" }
rule 7.6.1-1.c SHALL { on send-files-requested when predefined-group do follow-clause 7.4.1.2 summary "group" }
rule 7.6.1-3 SHALL { on send-files-requested if more-than-one-file do one-mline-per-file summary "m-lines" }
rule 7.6.1-4.a MAY { on last-send-acknowledged decision check-pending-files do check-pending-files summary "a" }
rule 7.6.1-4.b SHALL { on last-send-acknowledged if fired(7.6.1-4.a) and pending-files-same-destination do send-reinvite summary "b" }
rule 7.6.1-4.b.ii SHALL { on last-send-acknowledged if fired(7.6.1-4.b) and unused-mlines do close-unused-mline summary "b.ii" }
rule 7.6.1-4.c SHALL { on last-send-acknowledged otherwise 7.6.1-4.b do follow-clause 7.6.2 summary "c" }
rule 7.6.2 SHALL { on transfer-complete do send-bye summary "bye" }
`;

const compile = (text: string) => compileSpec([{ path: 'spec/t.rules', text }]);
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const edit = (from: string, to: string): string => {
  expect(base).toContain(from);
  return base.replace(from, to);
};

describe('checks on the effective procedure', () => {
  it('the base spec passes every check', () => {
    expect(compile(base).diagnostics).toEqual([]);
  });

  it('prohibited-outcome: 7.6.2 made SHALL NOT while 4.c still follows it, located at 7.6.2 with a note at 4.c', () => {
    const text = edit('rule 7.6.2 SHALL {', 'rule 7.6.2 SHALL NOT {');
    const result = compile(text);
    expect(result.ir).toBeNull();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['prohibited-outcome']);
    const [d] = result.diagnostics;
    expect(d?.message).toBe("on last-send-acknowledged when no fact holds: rule '7.6.1-4.c' releases the session by following 7.6.2, whose send-bye SHALL NOT rule '7.6.2' forbids; the session would be left open");
    expect(d?.location?.line).toBe(lineOf(text, 'rule 7.6.2 SHALL NOT'));
    expect(d?.notes[0]?.location?.line).toBe(lineOf(text, 'rule 7.6.1-4.c'));
  });

  it('uncovered-situation: the followed clause performs no release in a situation (7.6.2 guarded away)', () => {
    const text = edit('rule 7.6.2 SHALL { on transfer-complete do', 'rule 7.6.2 SHALL { on transfer-complete if one-recipient do');
    const result = compile(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['uncovered-situation']);
    expect(result.diagnostics[0]?.message).toContain("rule '7.6.1-4.c' follows 7.6.2, but no rule of 7.6.2 performs send-bye in this situation");
    expect(result.diagnostics[0]?.message).toContain('when recipient-list');
    expect(result.diagnostics[0]?.location?.line).toBe(lineOf(text, 'rule 7.6.1-4.c'));
  });

  it('unreachable-branch: a SHOULD sharing 4.a\'s decision point can never be declined', () => {
    const text = edit('rule 7.6.1-4.b.ii SHALL { on last-send-acknowledged', 'rule 7.6.1-4.b.ii SHOULD { on last-send-acknowledged decision check-pending-files');
    const result = compile(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['unreachable-branch']);
    const [d] = result.diagnostics;
    expect(d?.message).toBe("the declined branch of SHOULD rule '7.6.1-4.b.ii' can never be taken: its decision point 'check-pending-files' is also consulted by '7.6.1-4.a', and the runtime takes one answer per point: answering no there keeps '7.6.1-4.b.ii' from being reached; use a decision point of its own, or make the rule SHALL");
    expect(d?.location?.line).toBe(lineOf(text, 'rule 7.6.1-4.b.ii'));
    expect(d?.notes.map((n) => n.location?.line)).toEqual([lineOf(text, 'rule 7.6.1-4.a')]);
  });

  it('unreachable-branch: a MAY whose situation only arises when its own point said yes elsewhere is fine when it has its own point', () => {
    const text = `${base}rule 7.6.2-1 MAY { on transfer-complete decision check-pending-files do indicate-transfer-failed summary "x" }\n`;
    expect(compile(text).diagnostics.filter((d) => d.code === 'unreachable-branch')).toEqual([]);
  });

  it('unspecified: several files in a 1-1 session with no rule describing them', () => {
    const text = edit('rule 7.6.1-3 SHALL { on send-files-requested if more-than-one-file', 'rule 7.6.1-3 SHALL { on send-files-requested if group-session and more-than-one-file');
    const result = compile(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['unspecified']);
    expect(result.diagnostics[0]?.message).toBe('on send-files-requested when one-recipient, more-than-one-file, one-to-one-session: several files in a 1-1 session: no rule says how they are described (one-mline-per-file); the runtime has no default for this');
  });

  it('unspecified: a destination no set-up rule serves, located at the CR that removed its rule', () => {
    const cr = `cr T-1 R01 {\n  title "t"\n  amends 7.6.1\n  remove 7.6.1-1.b\n}\n`;
    const result = compileSpec([{ path: 'spec/t.rules', text: base }, { path: 'spec/cr/t.cr', text: cr }]);
    expect(result.diagnostics.map((d) => `${d.code}@${d.location?.file}:${d.location?.line}`)).toEqual(['unspecified@spec/cr/t.cr:4']);
    expect(result.diagnostics[0]?.message).toBe('on send-files-requested when recipient-list, group-session: no rule says which clause sets the session up (follow-clause 7.3.1, 7.4.1.1 or 7.4.1.2); the runtime has no default for this');
    expect(result.diagnostics[0]?.notes[0]?.message).toBe('the remaining rules of send-files-requested end here');
  });

  it('unreachable-rule: a fact an action forces in every situation rules out a trigger that needs it false', () => {
    // A table in which one-mline-per-file fixes success-report-requested, and a spec whose set-up
    // asks for it whatever the situation: 4.a's `when not success-report-requested` can no longer match.
    const text = base
      .replace('if more-than-one-file do one-mline-per-file', 'do one-mline-per-file')
      .replace('rule 7.6.1-4.a MAY { on last-send-acknowledged', 'rule 7.6.1-4.a MAY { on last-send-acknowledged when not success-report-requested');
    const ir = compile(text).ir;
    expect(ir).not.toBeNull();
    if (ir === null) return;
    const session = new Session();
    reportUnreachableRules(ir, session, { 'one-mline-per-file': { 'success-report-requested': true } });
    const unreachable = session.diagnostics.filter((d) => d.code === 'unreachable-rule');
    // 4.a, and the rules that need 4.a to have fired; 4.c (its otherwise-branch) still applies.
    expect(unreachable.map((d) => `${d.severity}@${d.location?.line}`)).toEqual(['rule 7.6.1-4.a', 'rule 7.6.1-4.b ', 'rule 7.6.1-4.b.ii'].map((r) => `warning@${lineOf(text, r)}`));
    expect(unreachable[0]?.message).toBe("rule '7.6.1-4.a' can no longer apply on last-send-acknowledged: '7.6.1-3' performs one-mline-per-file in every situation of send-files-requested, so success-report-requested is always true; its actions never happen there and no test is generated for it");
    expect(unreachable[0]?.location?.line).toBe(lineOf(text, 'rule 7.6.1-4.a'));
    expect(unreachable[0]?.notes[0]?.location?.line).toBe(lineOf(text, 'rule 7.6.1-3'));
    // Without the implication, nothing is forced.
    const plain = new Session();
    reportUnreachableRules(ir, plain, {});
    expect(plain.diagnostics).toEqual([]);
  });
});
