// Between two revisions of a CR text: which revision a text is (its revision notes, "R02 : ..."
// lines, name them; the highest wins) and which normative statements changed, appeared or went.
// `spec coverage` uses it to list what changed since the revision a CR says its rules implement.
import type { CrStatement, CrText } from './extract-statements.ts';

/** The text's own revision: the highest `Rnn` that opens a line followed by ':' (a revision note), or null. */
export function textRevision(source: string): string | null {
  const revisions = [...source.matchAll(/^\s*R(\d+)\s*:/gm)].map((m) => Number(m[1]));
  if (revisions.length === 0) return null;
  return `R${String(Math.max(...revisions)).padStart(2, '0')}`;
}

export interface StatementChange {
  /** The statement's id ('7.6.1-4.a', '7.6.2#2'). */
  id: string;
  change: 'changed' | 'added' | 'removed';
  /** The sentence at the implemented revision (null when added). */
  before: { modality: string; text: string } | null;
  /** The sentence in the newer text (null when removed). */
  after: { modality: string; text: string } | null;
}

const sentence = (s: CrStatement): { modality: string; text: string } => ({ modality: s.modality, text: s.text });

/** Statements whose sentence differs between `before` and `after`, matched by id, in the newer text's order. */
export function statementChanges(before: CrText, after: CrText): StatementChange[] {
  const old = new Map(before.statements.map((s) => [s.id, s]));
  const changes: StatementChange[] = [];
  for (const s of after.statements) {
    const was = old.get(s.id);
    if (was === undefined) changes.push({ id: s.id, change: 'added', before: null, after: sentence(s) });
    else if (was.text !== s.text || was.modality !== s.modality) changes.push({ id: s.id, change: 'changed', before: sentence(was), after: sentence(s) });
  }
  const current = new Set(after.statements.map((s) => s.id));
  for (const s of before.statements) if (!current.has(s.id)) changes.push({ id: s.id, change: 'removed', before: sentence(s), after: null });
  return changes;
}
