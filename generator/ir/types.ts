// The IR: what the front end (grammar + passes) hands the emitters. It is plain JSON, validated
// against ir/schema.json with ajv before any emitter runs; an IR that fails is a toolchain bug.
// Every node keeps the source location it came from so later diagnostics and the trace can point at it.

/** A position in a spec file; `file` is relative to the repository root, line/column 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type Modality = 'SHALL' | 'SHALL NOT' | 'SHOULD' | 'SHOULD NOT' | 'MAY';

/** The whole spec after every CR has been applied in order. */
export interface SpecIR {
  /** Bumped when the IR shape changes. */
  irVersion: 1;
  /** Spec files read, relative paths, in the order they were applied. */
  sources: string[];
  /** Documents rules may reference (RFC 5547, RFC 4975, ...). */
  documents: DocumentIR[];
  /** Clauses: the ones that carry rules, and external ones (7.3.1, 7.4.1.x) that rules only reference. */
  clauses: ClauseIR[];
  /** Final rules, grouped by clause and ordered by step as written. */
  rules: RuleIR[];
  /** CRs in the order they were applied. */
  crs: ChangeRequestIR[];
  /** RFC 5547 (and related) SDP attribute definitions the SDP builders are generated from. */
  attributes: AttributeIR[];
}

export interface DocumentIR {
  /** e.g. 'RFC5547' */
  id: string;
  title: string;
  source: SourceLocation;
}

export interface ClauseIR {
  /** e.g. '7.6.1' */
  id: string;
  title: string;
  /** true for a clause of another specification part that this spec only references. */
  external: boolean;
  /** Which spec file the output for this clause goes to (file stem, e.g. 'file-transfer'). */
  unit: string;
  source: SourceLocation;
}

/** A rule's trigger: an event, optionally qualified by a guard (e.g. 'success-report-received when success-report-requested'). */
export interface TriggerIR {
  event: string;
  guard: GuardIR | null;
}

/** Guards are small boolean expressions over the runtime's facts and over rules already fired for the same event. */
export type GuardIR =
  | { kind: 'fact'; name: string }
  | { kind: 'fired'; rule: string }
  | { kind: 'not'; operand: GuardIR }
  | { kind: 'and'; operands: GuardIR[] }
  | { kind: 'or'; operands: GuardIR[] };

export interface ActionIR {
  name: string;
  /** e.g. ['7.3.1'] for follow-clause. */
  args: string[];
  source: SourceLocation;
}

export interface RuleIR {
  /** Stable id, clause + step: '7.6.1-4.b.ii'. Never reused. */
  id: string;
  clause: string;
  /** Step within the clause ('4.b.ii'), or null for a clause with a single unnumbered statement. */
  step: string | null;
  modality: Modality;
  /** The rule applies when any trigger matches. */
  triggers: TriggerIR[];
  /** Extra condition on top of the trigger. */
  guard: GuardIR | null;
  /** For MAY/SHOULD rules: where the client chooses whether to act. */
  decision: string | null;
  /** 'otherwise' branch: fires when the named rule matched the same event but did not fire. */
  otherwiseOf: string | null;
  actions: ActionIR[];
  /** Document ids and clause ids this rule refers to. */
  references: string[];
  /** The CR statements this rule covers: a step of its clause (null: the clause's unnumbered statement) and a short exact quote. */
  covers?: CoverIR[];
  /** One or two sentences in our own words. */
  summary: string;
  /** The CR that last added or modified the rule, e.g. { id: 'CPM-CR-FT-RELEASE', revision: 'R01' }; null for base text. */
  cr: { id: string; revision: string } | null;
  /** Every CR that touched this rule, oldest first. */
  history: { cr: string; revision: string; change: 'added' | 'modified' }[];
  source: SourceLocation;
}

/** `covers 4.b.ii "quote"` of a rule. */
export interface CoverIR {
  step: string | null;
  quote: string;
  source: SourceLocation;
}

export interface ChangeRequestIR {
  id: string;
  revision: string;
  title: string;
  /** Clause ids the CR amends. */
  amends: string[];
  /** The CR's plain text, as written in the CR file (relative to it), for `spec coverage`; revision: the one of that text the rules implement (`text "path" revision R02`). */
  text?: { path: string; source: SourceLocation; revision?: string } | null;
  /** `fields`: for a modify, the rule fields it changed ('modality', 'triggers', 'guard', 'decision', 'otherwise', 'actions', 'references', 'covers', 'summary'). */
  changes: { kind: 'add' | 'modify' | 'remove'; rule: string; fields?: string[]; source: SourceLocation }[];
  source: SourceLocation;
}

/**
 * An SDP attribute definition. `codec` names a value codec the runtime provides
 * (runtime/sdp/file-attribute-codecs.ts); `selector` attributes are lists of key:value parts.
 */
export interface AttributeIR {
  /** SDP attribute name, e.g. 'file-selector'. */
  name: string;
  /** TypeScript-facing name, e.g. 'fileSelector'. */
  property: string;
  kind: 'selector' | 'value' | 'flag';
  /** For 'value' attributes. */
  codec: string | null;
  /** For 'selector' attributes: parts in the order they are written. */
  parts: { key: string; property: string; codec: string; required: boolean }[];
  /** For 'flag' attributes with alternatives (direction): the allowed names. */
  alternatives: string[];
  required: boolean;
  reference: string;
  summary: string;
  /** An example line, used in generated docs and golden tests. */
  example: string;
  source: SourceLocation;
}
