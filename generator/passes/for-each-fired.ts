// Visits every `fired(<rule>)` inside a guard expression.
import type { GuardNode, NameNode } from '../parse/ast.ts';

export function forEachFired(guard: GuardNode | null, visit: (rule: NameNode) => void): void {
  if (guard === null) return;
  switch (guard.kind) {
    case 'fact':
      break;
    case 'fired':
      visit(guard.rule);
      break;
    case 'not':
      forEachFired(guard.operand, visit);
      break;
    case 'and':
    case 'or':
      for (const operand of guard.operands) forEachFired(operand, visit);
      break;
  }
}
