// The mutation runner's pure parts: which mutants a rule gets, what each changes in the runtime's
// decisions and answers, the list of mutants argued equivalent, and the per-rule score.
import { describe, expect, it } from 'vitest';
import { mutateDecisions, mutatePolicy } from '../../../generator/mutants/apply-mutant.ts';
import { EquivalentMutantsError, parseEquivalentMutants } from '../../../generator/mutants/equivalent-mutants.ts';
import { formatMutationScore, scoreMutants } from '../../../generator/mutants/format-mutants.ts';
import { listMutants, type Mutant } from '../../../generator/mutants/mutants.ts';
import { isRuleWireTest } from '../../../generator/mutants/run-mutants.ts';
import type { RuleIR } from '../../../generator/ir/types.ts';
import type { Decision } from '../../../runtime/procedure/decision.ts';

const at = { file: 'spec/x.rules', line: 1, column: 1 };
function rule(id: string, modality: RuleIR['modality'], actions: string[][], decision: string | null = null): RuleIR {
  return {
    id, clause: '7.6.1', step: null, modality, triggers: [{ event: 'transfer-complete', guard: null }], guard: null, decision, otherwiseOf: null,
    actions: actions.map(([name, ...args]) => ({ name: name!, args, source: at })), references: [], summary: 's', cr: null, history: [], source: at,
  };
}

describe('listMutants', () => {
  it('gives each action of a SHALL rule a removal, a SHALL NOT rule a performed prohibition, a MAY rule both answers ignored', () => {
    const ids = listMutants({
      rules: [
        rule('7.6.1-6', 'SHALL', [['interrupt-send'], ['follow-clause', '7.6.2']]),
        rule('7.6.1-4.a', 'SHALL NOT', [['check-pending-files']]),
        rule('RFC5547-8-1.push-accept', 'MAY', [['answer-recvonly']], 'accept-file'),
      ],
    }).map((m) => m.id);
    expect(ids).toEqual([
      '7.6.1-6/action-removed/interrupt-send',
      '7.6.1-6/action-removed/follow-clause 7.6.2',
      '7.6.1-4.a/prohibition-performed/check-pending-files',
      'RFC5547-8-1.push-accept/action-removed/answer-recvonly',
      'RFC5547-8-1.push-accept/decision-always',
      'RFC5547-8-1.push-accept/decision-never',
    ]);
  });
});

const d = (rule: string, action: Decision['action'], modality: Decision['modality'] = 'SHALL', args: string[] = []): Decision => ({ rule, action, modality, args });

describe('mutateDecisions / mutatePolicy', () => {
  const [removeBye] = listMutants({ rules: [rule('7.6.2', 'SHALL', [['send-bye']])] }) as [Mutant];
  const [performCheck] = listMutants({ rules: [rule('7.6.1-4.a', 'SHALL NOT', [['check-pending-files']])] }) as [Mutant];
  const mayMutants = listMutants({ rules: [rule('7.6.1-4.a', 'MAY', [['check-pending-files']], 'check-pending-files')] });

  it('drops only the mutant rule’s action', () => {
    const decisions = [d('7.6.2', 'send-bye'), d('7.6.1-4.c', 'follow-clause', 'SHALL', ['7.6.2'])];
    expect(mutateDecisions(decisions, removeBye)).toEqual([decisions[1]]);
    expect(mutateDecisions(decisions, null)).toBe(decisions);
  });

  it('carries a prohibition out as if required, and no other rule’s', () => {
    const decisions = [d('7.6.1-4.a', 'check-pending-files', 'SHALL NOT'), d('7.6.1-9', 'check-pending-files', 'SHALL NOT')];
    expect(mutateDecisions(decisions, performCheck).map((x) => x.modality)).toEqual(['SHALL', 'SHALL NOT']);
  });

  it('answers the rule’s decision point itself, whatever the application said', () => {
    const always = mayMutants.find((m) => m.kind === 'decision-always')!;
    const never = mayMutants.find((m) => m.kind === 'decision-never')!;
    const policy = (_p: string, rule: string): boolean => rule === 'other';
    expect(mutatePolicy(policy, always)('check-pending-files', '7.6.1-4.a', 'MAY')).toBe(true);
    expect(mutatePolicy(() => true, never)('check-pending-files', '7.6.1-4.a', 'MAY')).toBe(false);
    expect(mutatePolicy(policy, never)('check-pending-files', 'other', 'MAY')).toBe(true);
  });
});

describe('equivalent mutants and the score', () => {
  it('parses `id: reason` lines and locates a bad one', () => {
    expect(parseEquivalentMutants('# c\n\n7.6.1-3/action-removed/one-mline-per-file: same offer\n')).toEqual([{ id: '7.6.1-3/action-removed/one-mline-per-file', reason: 'same offer', line: 3 }]);
    expect(() => parseEquivalentMutants('x\n', 'f.txt')).toThrow(EquivalentMutantsError);
    expect(() => parseEquivalentMutants('a: b\na: c\n', 'f.txt')).toThrow('f.txt:2: mutant a is listed twice');
  });

  it('fails on a survivor not argued, passes an argued one, and fails an argued one a test killed', () => {
    const [a, b] = listMutants({ rules: [rule('7.6.2', 'SHALL', [['send-bye']]), rule('7.6.1-3', 'SHALL', [['one-mline-per-file']])] }) as [Mutant, Mutant];
    const survivor = scoreMutants([{ mutant: a, killedBy: [] }, { mutant: b, killedBy: [] }], [{ id: b.id, reason: 'same offer', line: 1 }]);
    expect(survivor.ok).toBe(false);
    const text = formatMutationScore(survivor);
    expect(text).toContain('SURVIVES action-removed (send-bye)');
    expect(text).toContain('equivalent action-removed (one-mline-per-file): same offer');
    expect(text).toContain('mutation score: 1/2 rules (50%) with no surviving mutant; 0/2 mutants killed, 1 argued equivalent');
    expect(scoreMutants([{ mutant: a, killedBy: ['t'] }, { mutant: b, killedBy: [] }], [{ id: b.id, reason: 'r', line: 1 }]).ok).toBe(true);
    const wrong = scoreMutants([{ mutant: a, killedBy: ['t'] }], [{ id: a.id, reason: 'r', line: 1 }]);
    expect(wrong.ok).toBe(false);
    expect(formatMutationScore(wrong)).toContain(`KILLED but listed as equivalent: ${a.id}`);
  });

  it('names a rule’s wire tests only, branches included', () => {
    expect(isRuleWireTest('7.6.1-4.b wire: on x shows y', '7.6.1-4.b')).toBe(true);
    expect(isRuleWireTest('7.6.1-4.a [decided no] wire: on x', '7.6.1-4.a')).toBe(true);
    expect(isRuleWireTest('7.6.1-4.b.i wire: on x', '7.6.1-4.b')).toBe(false);
    expect(isRuleWireTest('7.6.1-4.b handler: on x', '7.6.1-4.b')).toBe(false);
  });
});

describe('runtimeCompletions (where a wire test is built so its rule’s action is its own)', () => {
  it('completes a situation naming no destination with each destination, derived facts computed', async () => {
    const { runtimeCompletions } = await import('../../../generator/emit/search-situation.ts');
    const sets = runtimeCompletions(['more-than-one-file']).map((s) => [...s].sort());
    expect(sets).toEqual([
      ['more-than-one-file', 'one-recipient', 'one-to-one-session'],
      ['group-session', 'more-than-one-file', 'recipient-list'],
      ['group-session', 'more-than-one-file', 'predefined-group'],
    ]);
    // A 1-1 session with a recipient list cannot occur; two destinations neither.
    expect(runtimeCompletions(['recipient-list', 'one-to-one-session'])).toEqual([]);
    expect(runtimeCompletions(['recipient-list', 'one-recipient'])).toEqual([]);
  });
});
