// Checks `fired(<rule>)` and `otherwise <rule>`: the named rule must exist and come earlier in rule
// order, because handlers evaluate rules in that order for one event.
import type { NameNode } from '../parse/ast.ts';
import type { Session } from '../session.ts';
import { forEachFired } from './for-each-fired.ts';
import { orderRules } from './order-rules.ts';
import type { SpecModel } from './spec-model.ts';

export function reportRuleReferences(model: SpecModel, session: Session): void {
  const ordered = orderRules(model);
  const position = new Map(ordered.map((r, i) => [r.id, i]));
  for (const [index, rule] of ordered.entries()) {
    const check = (name: NameNode, how: string): void => {
      const target = position.get(name.value);
      if (target === undefined) {
        session.error('unknown-rule', `${how} names rule '${name.value}', which does not exist`, name.location);
      } else if (target >= index) {
        const other = ordered[target]!;
        session.error('forward-rule-reference', `${how} names rule '${name.value}', which does not come before '${rule.id}'`, name.location, [
          { message: `'${name.value}' is defined here`, location: other.source },
        ]);
      }
    };
    for (const trigger of rule.triggers) forEachFired(trigger.guard, (n) => check(n, 'fired(...)'));
    forEachFired(rule.guard, (n) => check(n, 'fired(...)'));
    if (rule.otherwiseOf !== null) check(rule.otherwiseOf, "'otherwise'");
  }
}
