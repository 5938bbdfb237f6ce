// Canonical printer for the spec AST: parse(print(ast)) equals ast once locations are dropped.
// Used by round-trip tests and by tools that rewrite spec files.
import type { AttributeNode, ChangeRequestNode, GuardNode, RuleFieldNode, RuleNode, SpecFileNode, TopItemNode } from './ast.ts';

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

function printRuleField(field: RuleFieldNode): string {
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
  }
}

const block = (head: string, lines: string[], indent: string): string =>
  `${indent}${head} {\n${lines.map((l) => `${indent}  ${l}\n`).join('')}${indent}}`;

function printRule(rule: RuleNode, indent: string, prefix = ''): string {
  return block(`${prefix}rule ${rule.id.value} ${rule.modality.value}`, rule.fields.map(printRuleField), indent);
}

function printAttribute(attribute: AttributeNode): string {
  const shape =
    attribute.shape === 'value'
      ? `value ${attribute.codec?.value ?? ''}`
      : attribute.shape === 'flag'
        ? ['flag', attribute.alternatives.map((a) => a.value).join(' | ')].filter((s) => s !== '').join(' ')
        : 'selector';
  const lines = attribute.fields.map((f) => {
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
  });
  return block(`attribute ${attribute.name.value} ${shape}`, lines, '');
}

function printCr(cr: ChangeRequestNode): string {
  const lines = cr.fields.map((f) => {
    switch (f.kind) {
      case 'title':
        return `  title ${quote(f.text)}`;
      case 'amends':
        return `  amends ${f.clauses.map((c) => c.value).join(', ')}`;
      case 'after':
        return `  after ${f.cr.value}`;
      case 'add':
        return printRule(f.rule, '  ', 'add ');
      case 'modify':
        return block(`modify ${f.id.value}${f.modality === null ? '' : ` ${f.modality.value}`}`, f.fields.map(printRuleField), '  ');
      case 'remove':
        return `  remove ${f.id.value}`;
    }
  });
  return `cr ${cr.id} ${cr.revision} {\n${lines.map((l) => `${l}\n`).join('')}}`;
}

function printItem(item: TopItemNode): string {
  switch (item.kind) {
    case 'document':
      return `document ${item.id} ${quote(item.title)}`;
    case 'clause':
      return `${item.external ? 'external ' : ''}clause ${item.id} ${quote(item.title)}`;
    case 'attribute':
      return printAttribute(item);
    case 'rule':
      return printRule(item, '');
    case 'cr':
      return printCr(item);
  }
}

/** Prints a spec file in canonical layout (two-space indent, one field per line, no comments). */
export function printSpec(file: SpecFileNode): string {
  return file.items.map((item) => `${printItem(item)}\n`).join('\n');
}
