// The runtime's vocabulary as the language server offers it: each name with its kind, side
// (runtime/procedure/roles.ts) and summary, and the meaning of each modality keyword.
import {
  actionRoles,
  decisionPointRoles,
  decisionPoints,
  eventRoles,
  followableClauses,
  guardRoles,
  procedureActions,
  procedureEvents,
  procedureGuards,
  type ProcedureRole,
} from '../../runtime/index.ts';

export type VocabularyKind = 'event' | 'guard' | 'action' | 'decision point';

export interface VocabularyEntry { name: string; kind: VocabularyKind; role: ProcedureRole; summary: string }

const entries = (kind: VocabularyKind, summaries: Record<string, string>, roles: Record<string, ProcedureRole>): VocabularyEntry[] =>
  Object.entries(summaries).map(([name, summary]) => ({ name, kind, role: roles[name]!, summary }));

const summaryOf = (table: Record<string, { summary: string }>): Record<string, string> =>
  Object.fromEntries(Object.entries(table).map(([name, value]) => [name, value.summary]));

export const vocabularyEntries: readonly VocabularyEntry[] = [
  ...entries('event', procedureEvents, eventRoles),
  ...entries('guard', procedureGuards, guardRoles),
  ...entries('action', summaryOf(procedureActions), actionRoles),
  ...entries('decision point', summaryOf(decisionPoints), decisionPointRoles),
];

/** Names of one kind, of one side (both sides when the side is not known yet). */
export function namesOf(kind: VocabularyKind, role: ProcedureRole | null): VocabularyEntry[] {
  return vocabularyEntries.filter((e) => e.kind === kind && (role === null || e.role === role));
}

/** The side a name belongs to, if it is an event of the vocabulary. */
export const roleOfEvent = (name: string): ProcedureRole | null => (eventRoles as Record<string, ProcedureRole>)[name] ?? null;

export const followable: readonly { id: string; summary: string }[] = Object.entries(followableClauses).map(([id, c]) => ({ id, summary: c.summary }));

/** What each modality makes the generated handler and the runtime do (spec/README.md, "What a modality means"). */
export const modalityMeaning: Readonly<Record<string, string>> = {
  SHALL: 'Whenever the rule\'s situation holds (a trigger matched and the `if` guard is true), the rule fires and the runtime performs its actions. No decision point. The wire test expects each action.',
  'SHALL NOT': 'Whenever the situation holds, the actions are prohibitions: the runtime refuses them (`ERR_PROCEDURE_PROHIBITED`) and the rule never counts as fired, so `otherwise` branches run. No decision point. The wire test expects the actions absent.',
  SHOULD: 'When the situation holds the application is asked at the rule\'s `decision` point; unanswered, the answer is yes. Wire tests: default (yes) and declined.',
  'SHOULD NOT': 'When the situation holds the application is asked at the rule\'s `decision` point; unanswered, the answer is no. Wire tests: default (no) and opted in.',
  MAY: 'When the situation holds the application is asked at the rule\'s `decision` point; unanswered, the point\'s default in the runtime vocabulary applies. Wire tests: decided yes and decided no.',
};
