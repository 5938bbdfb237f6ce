// Gathers documents, clauses, attributes, base rules and CRs from every parsed file, reporting
// duplicate declarations with a note pointing at the first one.
import type { SourceLocation } from '../ir/types.ts';
import type { SpecFileNode } from '../parse/ast.ts';
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

const stem = (path: string): string => (path.split('/').at(-1) ?? path).replace(/\.[^.]*$/, '');

export function collectDeclarations(files: { path: string; ast: SpecFileNode }[], model: SpecModel, session: Session): void {
  const seen = new Map<string, SourceLocation>();
  const firstTime = (kind: string, id: string, location: SourceLocation): boolean => {
    const key = `${kind}:${id}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, location);
      return true;
    }
    session.error(`duplicate-${kind}`, `${kind} '${id}' is declared twice`, location, [{ message: 'first declared here', location: first }]);
    return false;
  };
  for (const { path, ast } of files) {
    for (const item of ast.items) {
      switch (item.kind) {
        case 'document':
          if (firstTime('document', item.id, item.location)) model.documents.push({ id: item.id, title: item.title, source: item.location });
          break;
        case 'clause':
          if (firstTime('clause', item.id, item.location))
            model.clauses.push({ id: item.id, title: item.title, external: item.external, unit: stem(path), source: item.location });
          break;
        case 'attribute':
          if (firstTime('attribute', item.name.value, item.name.location)) model.attributes.push(item);
          break;
        case 'rule':
          // Duplicate rule ids are reported when rules are applied, where CR additions are checked too.
          model.baseRules.push(item);
          break;
        case 'cr':
          if (firstTime('cr', item.id, item.location)) model.crNodes.push(item);
          break;
      }
    }
  }
}
