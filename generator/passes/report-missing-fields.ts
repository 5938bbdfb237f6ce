// A rule needs at least one trigger, one action and a summary; a rule changed by a CR is checked
// with its final fields.
import type { Session } from '../session.ts';
import type { SpecModel } from './spec-model.ts';

export function reportMissingFields(model: SpecModel, session: Session): void {
  for (const rule of model.rules.values()) {
    const missing = [
      rule.triggers.length === 0 ? "a trigger ('on <event>')" : null,
      rule.actions.length === 0 ? "an action ('do <action>')" : null,
      rule.summary === null || rule.summary.trim() === '' ? "a summary ('summary \"...\"')" : null,
    ].filter((m): m is string => m !== null);
    if (missing.length > 0) session.error('missing-field', `rule '${rule.id}' needs ${missing.join(', ')}`, rule.source);
  }
}
