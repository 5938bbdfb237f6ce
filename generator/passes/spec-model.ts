// The spec while passes work on it: declarations gathered from every file and the rule set as CRs
// are applied. Names keep their locations so report-* passes can point at what was written.
import type { Modality, SourceLocation } from '../ir/types.ts';
import type { ActionArgNode, AttributeNode, ChangeRequestNode, CoversNode, GuardNode, NameNode, ReferenceNode, RuleNode } from '../parse/ast.ts';

export interface DeclaredDocument { id: string; title: string; source: SourceLocation }
export interface DeclaredClause { id: string; title: string; external: boolean; unit: string; source: SourceLocation }

export interface WorkingRule {
  id: string;
  /** Where the id was written when the rule was (last) added or modified. */
  source: SourceLocation;
  clause: string;
  step: string | null;
  modality: { value: Modality; location: SourceLocation };
  triggers: { event: NameNode; guard: GuardNode | null }[];
  guard: GuardNode | null;
  decision: NameNode | null;
  /** Where the decision field (or, without one, the modality) was written. */
  decisionLocation: SourceLocation;
  otherwiseOf: NameNode | null;
  actions: { action: NameNode; args: ActionArgNode[]; location: SourceLocation }[];
  references: ReferenceNode[];
  /** The CR statements the rule covers (`covers 4.b.ii "quote"`). */
  covers: CoversNode[];
  summary: string | null;
  cr: { id: string; revision: string } | null;
  history: { cr: string; revision: string; change: 'added' | 'modified' }[];
  /** Insertion index: ties in step order keep the order rules were written / added. */
  order: number;
}

/** One applied change, with the fields a modify changed (for `cpm-ft spec diff`). */
export interface AppliedChange { kind: 'add' | 'modify' | 'remove'; rule: string; fields: string[]; source: SourceLocation }

export interface AppliedCr {
  id: string;
  revision: string;
  title: string;
  amends: NameNode[];
  /** `text "path"` as written (relative to the CR file), with where it was written. */
  text: { path: string; revision: string | null; location: SourceLocation } | null;
  changes: AppliedChange[];
  source: SourceLocation;
}

export interface SpecModel {
  /** Input paths in the order given. */
  sources: string[];
  documents: DeclaredDocument[];
  clauses: DeclaredClause[];
  attributes: AttributeNode[];
  baseRules: RuleNode[];
  crNodes: ChangeRequestNode[];
  /** Rules after every CR has been applied, keyed by id, in insertion order. */
  rules: Map<string, WorkingRule>;
  crs: AppliedCr[];
}

export const emptyModel = (sources: string[]): SpecModel => ({
  sources,
  documents: [],
  clauses: [],
  attributes: [],
  baseRules: [],
  crNodes: [],
  rules: new Map(),
  crs: [],
});

/**
 * '7.6.1-4.b.ii' → clause '7.6.1', step '4.b.ii'; '7.6.2' → step null; an RFC section clause keeps
 * its own dash: 'RFC5547-8.1-2.new-id' → clause 'RFC5547-8.1', step '2.new-id'.
 */
export function splitRuleId(id: string): { clause: string; step: string | null } {
  const start = /^RFC[0-9]+-/.exec(id)?.[0].length ?? 0;
  const dash = id.indexOf('-', start);
  return dash === -1 ? { clause: id, step: null } : { clause: id.slice(0, dash), step: id.slice(dash + 1) };
}
