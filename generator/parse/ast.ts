// The spec AST produced by grammar/rules.peggy. Every node carries the location where it starts
// (file relative to the repository root, 1-based line and column) so passes can point at it.
import type { Modality, SourceLocation } from '../ir/types.ts';

/** A name as written (event, guard, action, codec, rule id, clause id...) with where it was written. */
export interface NameNode { kind: 'name'; value: string; location: SourceLocation }

/** Where a block's closing brace is (1-based line and column). */
export interface EndPosition { line: number; column: number }

/** `# text` (text is what follows '#'); ownLine when nothing but blanks precede it on its line. */
export interface CommentNode { kind: 'comment'; text: string; ownLine: boolean; location: SourceLocation }

/** The whole of one .rules or .cr file. */
export interface SpecFileNode { kind: 'file'; items: TopItemNode[]; comments: CommentNode[]; location: SourceLocation }

export type TopItemNode = DocumentNode | ClauseNode | AttributeNode | RuleNode | ChangeRequestNode;

/** `document RFC5547 "title"` */
export interface DocumentNode { kind: 'document'; id: string; title: string; location: SourceLocation }

/** `[external] clause 7.6.1 "title"` */
export interface ClauseNode { kind: 'clause'; id: string; title: string; external: boolean; location: SourceLocation }

/** `attribute file-selector selector { ... }`, `... value token { ... }`, `... flag a | b { ... }` */
export interface AttributeNode {
  kind: 'attribute';
  name: NameNode;
  shape: 'selector' | 'value' | 'flag';
  codec: NameNode | null;
  alternatives: NameNode[];
  fields: AttributeFieldNode[];
  end: EndPosition;
  location: SourceLocation;
}

export type AttributeFieldNode =
  | { kind: 'part'; key: NameNode; codec: NameNode; required: boolean; location: SourceLocation }
  | { kind: 'property'; value: string; location: SourceLocation }
  | { kind: 'required'; location: SourceLocation }
  | { kind: 'see'; refs: ReferenceNode[]; location: SourceLocation }
  | { kind: 'summary'; text: string; location: SourceLocation }
  | { kind: 'example'; text: string; location: SourceLocation };

export interface ModalityNode { kind: 'modality'; value: Modality; location: SourceLocation }

/** `rule 7.6.1-4.a MAY { ... }` */
export interface RuleNode { kind: 'rule'; id: NameNode; modality: ModalityNode; fields: RuleFieldNode[]; end: EndPosition; location: SourceLocation }

export interface ReferenceNode { kind: 'ref'; value: string; location: SourceLocation }
export interface ActionArgNode { kind: 'arg'; value: string; location: SourceLocation }

export type RuleFieldNode =
  | { kind: 'on'; event: NameNode; guard: GuardNode | null; location: SourceLocation }
  | { kind: 'if'; guard: GuardNode; location: SourceLocation }
  | { kind: 'decision'; point: NameNode | null; location: SourceLocation }
  | { kind: 'otherwise'; rule: NameNode; location: SourceLocation }
  | { kind: 'do'; action: NameNode; args: ActionArgNode[]; location: SourceLocation }
  | { kind: 'see'; refs: ReferenceNode[]; location: SourceLocation }
  | { kind: 'summary'; text: string; location: SourceLocation }
  | CoversNode;

/** `covers 4.b.ii "quote"`: the CR statement (step of the rule's clause; null: its unnumbered one) and a short exact quote of it. */
export interface CoversNode { kind: 'covers'; step: NameNode | null; quote: string; location: SourceLocation }

export type RuleFieldKind = RuleFieldNode['kind'];

export type GuardNode =
  | { kind: 'fact'; name: NameNode; location: SourceLocation }
  | { kind: 'fired'; rule: NameNode; location: SourceLocation }
  | { kind: 'not'; operand: GuardNode; location: SourceLocation }
  | { kind: 'and'; operands: GuardNode[]; location: SourceLocation }
  | { kind: 'or'; operands: GuardNode[]; location: SourceLocation };

/** `cr CPM-CR-FT-RELEASE R01 { title ... amends ... add/modify/remove ... }` */
export interface ChangeRequestNode { kind: 'cr'; id: string; revision: string; fields: CrFieldNode[]; end: EndPosition; location: SourceLocation }

export type CrFieldNode =
  | { kind: 'title'; text: string; location: SourceLocation }
  | { kind: 'amends'; clauses: NameNode[]; location: SourceLocation }
  | { kind: 'after'; cr: NameNode; location: SourceLocation }
  /** `text "path" [revision R02]`: the CR's plain text (relative to the .cr file), checked by `spec coverage`, and the revision of it the rules implement. */
  | { kind: 'text'; path: string; revision: string | null; location: SourceLocation }
  | { kind: 'add'; rule: RuleNode; location: SourceLocation }
  | ModifyNode
  | { kind: 'remove'; id: NameNode; location: SourceLocation };

/** `modify <rule id> [MODALITY] { fields }`: each field kind written replaces that field of the rule. */
export interface ModifyNode { kind: 'modify'; id: NameNode; modality: ModalityNode | null; fields: RuleFieldNode[]; end: EndPosition; location: SourceLocation }
