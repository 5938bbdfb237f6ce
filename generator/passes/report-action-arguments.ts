// Checks each action's arguments against the kind the runtime declares for it (vocabulary `args`):
// `clause` takes exactly one declared clause id, `none` takes nothing.
import { procedureActions } from '../../runtime/index.ts';
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

export function reportActionArguments(model: SpecModel, session: Session): void {
  const clauses = new Set(model.clauses.map((c) => c.id));
  for (const rule of model.rules.values()) {
    for (const { action, args, location } of rule.actions) {
      if (!Object.hasOwn(procedureActions, action.value)) continue; // reported as unknown-action
      const kind = procedureActions[action.value as keyof typeof procedureActions].args as string;
      if (kind === 'none' && args.length > 0) {
        session.error('bad-action-argument', `action '${action.value}' takes no arguments`, args[0]!.location);
      } else if (kind === 'clause') {
        const [first, ...rest] = args;
        if (first === undefined) session.error('bad-action-argument', `action '${action.value}' needs a clause id`, location);
        else if (rest.length > 0) session.error('bad-action-argument', `action '${action.value}' takes one clause id`, rest[0]!.location);
        else if (!clauses.has(first.value))
          session.error('bad-action-argument', `action '${action.value}' names clause '${first.value}', which is not declared`, first.location);
      }
    }
  }
}
