// Choices at session set-up that the runtime never makes on its own: which clause sets the session
// up (7.6.1 step 1) and how several files are described (7.6.1 step 3, RFC 5547). For every
// situation of send-files-requested this pass checks that the rules make each choice, exactly
// once for the set-up clause; one the rules leave open is `unspecified` (the runtime would stop
// with ERR_PROCEDURE_UNCOVERED). The error points at the CR that removed a rule of the clause, when
// one did, else at the last rule of the event, with a note at the rules that remain.
import { followableClauses } from '../../runtime/index.ts';
import type { RuleIR, SourceLocation, SpecIR } from '../ir/types.ts';
import { rulesForEvent } from '../emit/rule-semantics.ts';
import type { Session } from '../session.ts';
import { fixedAt, forcedFacts } from './forced-facts.ts';
import { describeSituation, enumerateSituations, factsRead, pointsRead, runIn } from './situations.ts';

const setUpEvent = 'send-files-requested';
const isSetUpClause = (clause: string): boolean =>
  Object.hasOwn(followableClauses, clause) && followableClauses[clause as keyof typeof followableClauses].role === 'session-set-up';

/** Where to point: the latest CR removal of a rule of these clauses, else `fallback`. */
function blame(ir: SpecIR, clauses: ReadonlySet<string>, fallback: RuleIR | undefined): { at: SourceLocation | null; removed: string | null } {
  const removals = ir.crs.flatMap((cr) => cr.changes.filter((c) => c.kind === 'remove' && [...clauses].some((clause) => c.rule.startsWith(`${clause}-`) || c.rule === clause)));
  const last = removals[removals.length - 1];
  return last !== undefined ? { at: last.source, removed: last.rule } : { at: fallback?.source ?? null, removed: null };
}

export function reportUnspecified(ir: SpecIR, session: Session): void {
  const rules = rulesForEvent(ir.rules, setUpEvent);
  if (rules.length === 0) return;
  const situations = enumerateSituations(factsRead(ir.rules, [setUpEvent], ['one-recipient', 'more-than-one-file']), pointsRead(ir.rules, [setUpEvent]), fixedAt(forcedFacts(ir.rules), setUpEvent));
  if (situations === null) return;
  const last = rules[rules.length - 1];
  const { at, removed } = blame(ir, new Set(rules.map((r) => r.clause)), last);
  const notes = removed !== null && last !== undefined ? [{ message: `the remaining rules of ${setUpEvent} end here`, location: last.source }] : [];
  const reported = new Set<string>();
  const report = (kind: string, message: string): void => {
    if (reported.has(kind)) return;
    reported.add(kind);
    session.error('unspecified', message, at, notes);
  };
  for (const situation of situations) {
    const decisions = runIn(ir.rules, setUpEvent, situation).decisions.filter((d) => d.modality !== 'SHALL NOT');
    const where = `on ${setUpEvent} ${describeSituation(situation)}`;
    const session1to1 = situation.holding['one-recipient'] === true;
    const setUps = [...new Set(decisions.filter((d) => d.action === 'follow-clause' && isSetUpClause(d.args[0] ?? '')).map((d) => d.args[0]))];
    if (setUps.length === 0) report('set-up', `${where}: no rule says which clause sets the session up (follow-clause 7.3.1, 7.4.1.1 or 7.4.1.2); the runtime has no default for this`);
    if (setUps.length > 1) report('set-up-twice', `${where}: the rules set the session up by two clauses (${setUps.join(', ')}); the runtime cannot follow both`);
    if (situation.holding['more-than-one-file'] === true && !decisions.some((d) => d.action === 'one-mline-per-file')) {
      report('several-files', `${where}: several files in a ${session1to1 ? '1-1' : 'group'} session: no rule says how they are described (one-mline-per-file); the runtime has no default for this`);
    }
  }
}
