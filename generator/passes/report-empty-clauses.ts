// Every clause of our own must carry at least one rule once the CRs are applied; an empty one means
// a CR removed its last rule or the spec never encoded it.
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

export function reportEmptyClauses(model: SpecModel, session: Session): void {
  const used = new Set([...model.rules.values()].map((r) => r.clause));
  for (const clause of model.clauses)
    if (!clause.external && !used.has(clause.id))
      session.error('empty-clause', `clause ${clause.id} "${clause.title}" has no rules after the CRs are applied`, clause.source);
}
