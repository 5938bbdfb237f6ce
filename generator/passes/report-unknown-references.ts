// Checks that every clause and document named by a rule id, a `see`, a CR's `amends` or an attribute
// is declared, and that rules belong to one of our own (not external) clauses.
import type { ReferenceNode } from '../parse/ast.ts';
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

export function reportUnknownReferences(model: SpecModel, session: Session): void {
  const documents = new Set(model.documents.map((d) => d.id));
  const clauses = new Map(model.clauses.map((c) => [c.id, c]));
  const checkRef = (ref: ReferenceNode): void => {
    if (documents.has(ref.value) || clauses.has(ref.value)) return;
    const what = /^[0-9]/.test(ref.value) ? 'clause' : 'document';
    session.error('unknown-reference', `reference to unknown ${what} '${ref.value}'`, ref.location);
  };
  for (const rule of model.rules.values()) {
    const clause = clauses.get(rule.clause);
    if (clause === undefined) session.error('unknown-clause', `rule '${rule.id}' belongs to clause ${rule.clause}, which is not declared`, rule.source);
    else if (clause.external)
      session.error('rule-in-external-clause', `rule '${rule.id}' belongs to external clause ${rule.clause}; only our own clauses carry rules`, rule.source, [
        { message: 'clause declared external here', location: clause.source },
      ]);
    rule.references.forEach(checkRef);
  }
  for (const cr of model.crs)
    for (const clause of cr.amends)
      if (!clauses.has(clause.value)) session.error('unknown-clause', `CR '${cr.id}' amends clause ${clause.value}, which is not declared`, clause.location);
  for (const attribute of model.attributes)
    for (const field of attribute.fields) if (field.kind === 'see') field.refs.forEach(checkRef);
}
