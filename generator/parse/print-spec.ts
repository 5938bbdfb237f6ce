// Canonical printer for the spec AST: parse(print(ast)) equals ast once locations are dropped, and
// print is a fixed point (printing a printed file gives it back). `cpm-ft spec fmt` is this printer.
// Comments come back where they were written: an own-line comment before the item or field it
// precedes (or before the closing brace it precedes), a trailing comment at the end of its line.
// Given the source text, a blank line before an item is kept (runs of them become one).
import type { AttributeFieldNode, AttributeNode, ChangeRequestNode, CommentNode, CrFieldNode, EndPosition, GuardNode, RuleFieldNode, RuleNode, SpecFileNode, TopItemNode } from './ast.ts';
import type { SourceLocation } from '../ir/types.ts';

// Clause ids and document ids print bare; anything else as a quoted string.
const bareArg = /^(?:[0-9]+(?:\.[0-9]+)*|[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)$/;

const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function printGuard(guard: GuardNode): string {
  // Parenthesise a nested and/or so the parser rebuilds the same tree (it flattens `a and b and c`).
  const operand = (g: GuardNode): string => (g.kind === 'and' || g.kind === 'or' ? `(${printGuard(g)})` : printGuard(g));
  switch (guard.kind) {
    case 'fact':
      return guard.name.value;
    case 'fired':
      return `fired(${guard.rule.value})`;
    case 'not':
      return `not ${operand(guard.operand)}`;
    case 'and':
      return guard.operands.map(operand).join(' and ');
    case 'or':
      return guard.operands.map((g) => (g.kind === 'or' ? `(${printGuard(g)})` : printGuard(g))).join(' or ');
  }
}

export function printRuleField(field: RuleFieldNode): string {
  switch (field.kind) {
    case 'on':
      return `on ${field.event.value}${field.guard === null ? '' : ` when ${printGuard(field.guard)}`}`;
    case 'if':
      return `if ${printGuard(field.guard)}`;
    case 'decision':
      return `decision ${field.point?.value ?? 'none'}`;
    case 'otherwise':
      return `otherwise ${field.rule.value}`;
    case 'do':
      return ['do', field.action.value, ...field.args.map((a) => (bareArg.test(a.value) ? a.value : quote(a.value)))].join(' ');
    case 'see':
      return `see ${field.refs.map((r) => r.value).join(', ')}`;
    case 'summary':
      return `summary ${quote(field.text)}`;
    case 'covers':
      return `covers ${field.step === null ? '' : `${field.step.value} `}${quote(field.quote)}`;
  }
}

function printAttributeField(f: AttributeFieldNode): string {
  switch (f.kind) {
    case 'part':
      return `part ${f.key.value} ${f.codec.value}${f.required ? ' required' : ''}`;
    case 'property':
      return `property ${f.value}`;
    case 'required':
      return 'required';
    case 'see':
      return `see ${f.refs.map((r) => r.value).join(', ')}`;
    case 'summary':
      return `summary ${quote(f.text)}`;
    case 'example':
      return `example ${quote(f.text)}`;
  }
}

function attributeHead(attribute: AttributeNode): string {
  const shape =
    attribute.shape === 'value'
      ? `value ${attribute.codec?.value ?? ''}`
      : attribute.shape === 'flag'
        ? ['flag', attribute.alternatives.map((a) => a.value).join(' | ')].filter((s) => s !== '').join(' ')
        : 'selector';
  return `attribute ${attribute.name.value} ${shape}`;
}

/** What the printer lays out: a line, or a block with a head line, children and a closing brace. */
type Element =
  | { kind: 'line'; text: string; location: SourceLocation }
  | { kind: 'block'; head: string; children: Element[]; location: SourceLocation; end: EndPosition };

const ruleElement = (rule: RuleNode, prefix: string, location: SourceLocation): Element => ({
  kind: 'block',
  head: `${prefix}rule ${rule.id.value} ${rule.modality.value}`,
  children: rule.fields.map((f) => ({ kind: 'line', text: printRuleField(f), location: f.location })),
  location,
  end: rule.end,
});

function crFieldElement(f: CrFieldNode): Element {
  const line = (text: string): Element => ({ kind: 'line', text, location: f.location });
  switch (f.kind) {
    case 'title':
      return line(`title ${quote(f.text)}`);
    case 'amends':
      return line(`amends ${f.clauses.map((c) => c.value).join(', ')}`);
    case 'after':
      return line(`after ${f.cr.value}`);
    case 'text':
      return line(`text ${quote(f.path)}${f.revision === null ? '' : ` revision ${f.revision}`}`);
    case 'add':
      return ruleElement(f.rule, 'add ', f.location);
    case 'modify':
      return {
        kind: 'block',
        head: `modify ${f.id.value}${f.modality === null ? '' : ` ${f.modality.value}`}`,
        children: f.fields.map((x) => ({ kind: 'line', text: printRuleField(x), location: x.location })),
        location: f.location,
        end: f.end,
      };
    case 'remove':
      return line(`remove ${f.id.value}`);
  }
}

function crElement(cr: ChangeRequestNode): Element {
  return { kind: 'block', head: `cr ${cr.id} ${cr.revision}`, children: cr.fields.map(crFieldElement), location: cr.location, end: cr.end };
}

function itemElement(item: TopItemNode): Element {
  switch (item.kind) {
    case 'document':
      return { kind: 'line', text: `document ${item.id} ${quote(item.title)}`, location: item.location };
    case 'clause':
      return { kind: 'line', text: `${item.external ? 'external ' : ''}clause ${item.id} ${quote(item.title)}`, location: item.location };
    case 'attribute':
      return {
        kind: 'block',
        head: attributeHead(item),
        children: item.fields.map((f) => ({ kind: 'line', text: printAttributeField(f), location: f.location })),
        location: item.location,
        end: item.end,
      };
    case 'rule':
      return ruleElement(item, '', item.location);
    case 'cr':
      return crElement(item);
  }
}

const before = (c: CommentNode, line: number, column: number): boolean =>
  c.location.line < line || (c.location.line === line && c.location.column < column);

class Printer {
  private readonly out: string[] = [];
  private next = 0;
  private readonly blank: ((line: number) => boolean) | null;

  constructor(
    private readonly comments: readonly CommentNode[],
    source: string | undefined,
  ) {
    if (source === undefined) this.blank = null;
    else {
      const lines = source.split(/\r?\n/);
      this.blank = (line) => line >= 1 && (lines[line - 1] ?? '').trim() === '';
    }
  }

  /** Comments not yet printed that start before (line, column). */
  private takeBefore(line: number, column: number): CommentNode[] {
    const taken: CommentNode[] = [];
    while (this.next < this.comments.length && before(this.comments[this.next]!, line, column)) taken.push(this.comments[this.next++]!);
    return taken;
  }

  /** A trailing comment on `line`, if the next unprinted comment is one. */
  private trailingOn(line: number): string {
    const c = this.comments[this.next];
    if (c === undefined || c.ownLine || c.location.line !== line) return '';
    this.next++;
    return `  #${c.text.trimEnd()}`;
  }

  /** Blank line before a piece starting at `line` (never before the first piece of a block or file). */
  private separate(line: number, first: boolean, topLevel: boolean): void {
    if (first) return;
    if (this.blank === null ? topLevel : this.blank(line - 1)) this.out.push('');
  }

  private leading(comments: CommentNode[], indent: string, first: boolean, topLevel: boolean): boolean {
    for (const c of comments) {
      this.separate(c.location.line, first, topLevel && this.blank !== null);
      this.out.push(`${indent}#${c.text.trimEnd()}`.trimEnd());
      first = false;
    }
    return first;
  }

  elements(elements: readonly Element[], indent: string, topLevel: boolean): void {
    elements.forEach((element, index) => {
      const comments = this.takeBefore(element.location.line, element.location.column);
      const first = this.leading(comments, indent, index === 0, topLevel);
      // Without the source, a comment stays glued to the item it precedes.
      if (this.blank !== null || comments.length === 0) this.separate(element.location.line, first, topLevel);
      if (element.kind === 'line') {
        this.out.push(`${indent}${element.text}${this.trailingOn(element.location.line)}`);
        return;
      }
      this.out.push(`${indent}${element.head} {${this.trailingOn(element.location.line)}`);
      this.elements(element.children, `${indent}  `, false);
      this.leading(this.takeBefore(element.end.line, element.end.column), `${indent}  `, element.children.length === 0, false);
      this.out.push(`${indent}}${this.trailingOn(element.end.line)}`);
    });
  }

  finish(elementsWritten: boolean): string {
    this.leading(this.takeBefore(Number.MAX_SAFE_INTEGER, 0), '', !elementsWritten, true);
    return this.out.length === 0 ? '' : `${this.out.join('\n')}\n`;
  }
}

/**
 * Prints a spec file in canonical layout: two-space indent, one field per line, comments kept.
 * With `source` (the text the file was parsed from) blank lines between items are kept as one;
 * without it, top-level items are separated by one blank line and blocks have none.
 */
export function printSpec(file: SpecFileNode, source?: string): string {
  const printer = new Printer(file.comments ?? [], source);
  printer.elements(file.items.map(itemElement), '', true);
  return printer.finish(file.items.length > 0);
}
