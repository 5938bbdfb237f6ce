// Checks that every event, guard fact, action and decision point a rule names is one the runtime
// provides (runtime/procedure/vocabulary.ts), suggesting the closest name on a typo.
import { decisionPoints, procedureActions, procedureEvents, procedureGuards } from '../../runtime/index.ts';
import type { GuardNode, NameNode } from '../parse/ast.ts';
import { suggest } from '../parse/suggest.ts';
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

function check(name: NameNode, table: Record<string, unknown>, what: string, code: string, session: Session): void {
  if (Object.hasOwn(table, name.value)) return;
  const hint = suggest(name.value, Object.keys(table));
  session.error(code, `unknown ${what} '${name.value}'${hint === null ? '' : `; did you mean '${hint}'?`}`, name.location, [
    { message: `the runtime provides: ${Object.keys(table).sort().join(', ')}`, location: null },
  ]);
}

function forEachFact(guard: GuardNode | null, visit: (name: NameNode) => void): void {
  if (guard === null) return;
  switch (guard.kind) {
    case 'fact':
      visit(guard.name);
      break;
    case 'fired':
      break;
    case 'not':
      forEachFact(guard.operand, visit);
      break;
    case 'and':
    case 'or':
      for (const operand of guard.operands) forEachFact(operand, visit);
      break;
  }
}

export function reportUnknownNames(model: SpecModel, session: Session): void {
  const guard = (name: NameNode): void => check(name, procedureGuards, 'guard', 'unknown-guard', session);
  for (const rule of model.rules.values()) {
    for (const trigger of rule.triggers) {
      check(trigger.event, procedureEvents, 'event', 'unknown-event', session);
      forEachFact(trigger.guard, guard);
    }
    forEachFact(rule.guard, guard);
    if (rule.decision !== null) check(rule.decision, decisionPoints, 'decision point', 'unknown-decision-point', session);
    for (const action of rule.actions) check(action.action, procedureActions, 'action', 'unknown-action', session);
  }
}

