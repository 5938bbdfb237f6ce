// Checks that each rule stays on one side of the transfer (runtime/procedure/roles.ts): the role of
// its first event is the rule's role, and every other event, guard fact, decision point and action
// it names must belong to that role. A receiver action in a sender event's rule (or the reverse)
// would hand a side a decision it has no executor for; it is reported where the name is written.
import { actionRoles, decisionPointRoles, eventRoles, guardRoles, type ProcedureRole } from '../../runtime/index.ts';
import type { GuardNode, NameNode } from '../parse/ast.ts';
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

const roleOf = (table: Readonly<Record<string, ProcedureRole>>, name: string): ProcedureRole | undefined =>
  Object.hasOwn(table, name) ? table[name] : undefined;

function facts(guard: GuardNode | null, into: NameNode[] = []): NameNode[] {
  if (guard === null) return into;
  switch (guard.kind) {
    case 'fact':
      into.push(guard.name);
      break;
    case 'fired':
      break;
    case 'not':
      facts(guard.operand, into);
      break;
    case 'and':
    case 'or':
      for (const operand of guard.operands) facts(operand, into);
      break;
  }
  return into;
}

export function reportRoleMismatch(model: SpecModel, session: Session): void {
  for (const rule of model.rules.values()) {
    const first = rule.triggers[0];
    // Unknown names are reported by report-unknown-names; a rule without a known event has no role.
    const role = first === undefined ? undefined : roleOf(eventRoles, first.event.value);
    if (first === undefined || role === undefined) continue;
    const origin = `the rule's first event '${first.event.value}' is raised by the ${role}`;
    const expect = (table: Readonly<Record<string, ProcedureRole>>, name: NameNode, what: string): void => {
      const other = roleOf(table, name.value);
      if (other === undefined || other === role) return;
      session.error('role-mismatch', `${what} '${name.value}' belongs to the ${other}, but rule ${rule.id} is a ${role} rule`, name.location, [
        { message: origin, location: first.event.location },
      ]);
    };
    for (const trigger of rule.triggers) {
      expect(eventRoles, trigger.event, 'event');
      for (const fact of facts(trigger.guard)) expect(guardRoles, fact, 'guard');
    }
    for (const fact of facts(rule.guard)) expect(guardRoles, fact, 'guard');
    if (rule.decision !== null) expect(decisionPointRoles, rule.decision, 'decision point');
    for (const action of rule.actions) expect(actionRoles, action.action, 'action');
  }
}
