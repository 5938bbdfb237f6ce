// The per-rule mutation table `cpm-ft spec mutants` prints, and the verdict: every mutant of every
// rule killed, or listed as equivalent with its argument (and then really not killed).
import type { EquivalentMutant } from './equivalent-mutants.ts';
import type { Mutant } from './mutants.ts';
import type { MutantResult } from './run-mutants.ts';

export interface RuleScore {
  readonly rule: string;
  readonly modality: string;
  readonly mutants: number;
  readonly killed: number;
  /** Survivors not argued equivalent: each fails the run. */
  readonly surviving: readonly Mutant[];
  /** Survivors argued equivalent, with the argument. */
  readonly equivalent: readonly { mutant: Mutant; reason: string }[];
  /** Listed as equivalent but a test killed it: the list is wrong. */
  readonly wronglyListed: readonly Mutant[];
}

export interface MutationScore {
  readonly rules: readonly RuleScore[];
  readonly mutants: number;
  readonly killed: number;
  readonly equivalent: number;
  /** Listed ids that name no mutant of this spec. */
  readonly unknownListed: readonly EquivalentMutant[];
  readonly ok: boolean;
}

export function scoreMutants(results: readonly MutantResult[], listed: readonly EquivalentMutant[]): MutationScore {
  const reasons = new Map(listed.map((e) => [e.id, e.reason]));
  const rules = new Map<string, { rule: string; modality: string; mutants: number; killed: number; surviving: Mutant[]; equivalent: { mutant: Mutant; reason: string }[]; wronglyListed: Mutant[] }>();
  for (const { mutant, killedBy } of results) {
    let row = rules.get(mutant.rule);
    if (row === undefined) rules.set(mutant.rule, (row = { rule: mutant.rule, modality: mutant.modality, mutants: 0, killed: 0, surviving: [], equivalent: [], wronglyListed: [] }));
    row.mutants++;
    const reason = reasons.get(mutant.id);
    if (killedBy.length > 0) {
      row.killed++;
      if (reason !== undefined) row.wronglyListed.push(mutant);
    } else if (reason !== undefined) row.equivalent.push({ mutant, reason });
    else row.surviving.push(mutant);
  }
  const ids = new Set(results.map((r) => r.mutant.id));
  const unknownListed = listed.filter((e) => !ids.has(e.id));
  const all = [...rules.values()];
  const killed = all.reduce((n, r) => n + r.killed, 0);
  const equivalent = all.reduce((n, r) => n + r.equivalent.length, 0);
  const ok = all.every((r) => r.surviving.length === 0 && r.wronglyListed.length === 0) && unknownListed.length === 0;
  return { rules: all, mutants: results.length, killed, equivalent, unknownListed, ok };
}

const pad = (text: string, width: number): string => text.padEnd(width);

export function formatMutationScore(score: MutationScore, baselineFailures: readonly string[] = []): string {
  const lines: string[] = [];
  if (baselineFailures.length > 0) {
    lines.push('the generated tests fail with no mutant installed; no score:');
    for (const name of baselineFailures) lines.push(`  ✗ ${name}`);
    return `${lines.join('\n')}\n`;
  }
  const width = Math.max(4, ...score.rules.map((r) => r.rule.length));
  lines.push(`${pad('rule', width)}  ${pad('modality', 10)}  mutants  killed  surviving`);
  for (const row of score.rules) {
    const notes = [
      ...row.surviving.map((m) => `SURVIVES ${m.kind}${m.action === null ? '' : ` (${[m.action.name, ...m.action.args].join(' ')})`}: a runtime that ${m.description} passes every test run`),
      ...row.equivalent.map(({ mutant: m, reason }) => `equivalent ${m.kind}${m.action === null ? '' : ` (${[m.action.name, ...m.action.args].join(' ')})`}: ${reason}`),
      ...row.wronglyListed.map((m) => `KILLED but listed as equivalent: ${m.id}`),
    ];
    lines.push(`${pad(row.rule, width)}  ${pad(row.modality, 10)}  ${String(row.mutants).padStart(7)}  ${String(row.killed).padStart(6)}  ${notes.length === 0 ? '-' : notes[0]}`);
    for (const note of notes.slice(1)) lines.push(`${' '.repeat(width + 37)}${note}`);
  }
  for (const e of score.unknownListed) lines.push(`spec/equivalent-mutants.txt:${e.line}: ${e.id} is no mutant of this spec`);
  const fully = score.rules.filter((r) => r.surviving.length === 0 && r.wronglyListed.length === 0).length;
  const percent = score.rules.length === 0 ? 100 : Math.floor((100 * fully) / score.rules.length);
  lines.push(
    `mutation score: ${fully}/${score.rules.length} rules (${percent}%) with no surviving mutant; ${score.killed}/${score.mutants} mutants killed${score.equivalent > 0 ? `, ${score.equivalent} argued equivalent` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
