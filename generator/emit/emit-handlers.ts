// Emits generated/handlers/<unit>.ts: one `on<Event>` function per triggered event, each rule a
// block of its own tagged with its id. The semantics mirror rule-semantics.ts exactly.
import type { JSDocTagStructure, OptionalKind, Project } from 'ts-morph';
import type { GuardIR, RuleIR } from '../ir/types.ts';
import { distinctSources, generatedHeader } from './generated-header.ts';
import { commentText, handlerName, literal } from './names.ts';
import { ruleTagLines, ruleTags } from './provenance.ts';
import { formatSourceFile } from './format-source.ts';
import { prohibits, rulesForEvent } from './rule-semantics.ts';

export interface HandlerUnit {
  unit: string;
  /** Spec files that contributed, for the header. */
  sources: string[];
  /** Rules of the unit in spec order. */
  rules: RuleIR[];
  /** Events to emit a handler for, in output order. */
  events: string[];
}

export function guardExpression(guard: GuardIR): string {
  switch (guard.kind) {
    case 'fact':
      return `ctx.facts[${literal(guard.name)}]`;
    case 'fired':
      return `fired.has(${literal(guard.rule)})`;
    case 'not':
      return `!${wrap(guardExpression(guard.operand), guard.operand)}`;
    case 'and':
      return guard.operands.length === 0 ? 'true' : guard.operands.map((o) => wrap(guardExpression(o), o)).join(' && ');
    case 'or':
      return guard.operands.length === 0 ? 'false' : guard.operands.map((o) => wrap(guardExpression(o), o)).join(' || ');
    default:
      return unknownGuard(guard);
  }
}

/** An IR that passed schema validation cannot get here; if it does, it is a generator bug. */
export function unknownGuard(guard: never): never {
  throw new Error(`internal error: unknown guard kind in the IR: ${JSON.stringify(guard)}`);
}

function wrap(text: string, guard: GuardIR): string {
  return guard.kind === 'and' || guard.kind === 'or' ? `(${text})` : text;
}

/** The condition under which a rule applies to `event` (before its own guard). */
function appliesExpression(rule: RuleIR, event: string): string {
  const own = rule.triggers.filter((trigger) => trigger.event === event);
  const parts: string[] = [];
  if (own.length > 0 && !own.some((trigger) => trigger.guard === null)) {
    const guards = own.map((trigger) => trigger.guard).filter((guard): guard is GuardIR => guard !== null);
    parts.push(guards.length === 1 ? guardExpression(guards[0]!) : guards.map((g) => `(${guardExpression(g)})`).join(' || '));
  }
  if (rule.otherwiseOf !== null) {
    parts.push(`matched.has(${literal(rule.otherwiseOf)})`, `!fired.has(${literal(rule.otherwiseOf)})`);
  }
  if (parts.length === 0) return 'true';
  return parts.map((part) => (parts.length > 1 && part.includes('||') ? `(${part})` : part)).join(' && ');
}

function ruleBlock(rule: RuleIR, event: string): string {
  const id = literal(rule.id);
  const lines: string[] = [];
  lines.push(`// ${rule.modality}: ${commentText(rule.summary)}`);
  for (const tag of ruleTagLines(rule)) lines.push(`// ${tag}`);
  if (rule.otherwiseOf !== null) lines.push(`// Otherwise-branch of ${rule.otherwiseOf}: runs when that rule applied here but did not fire.`);
  const fire: string[] = [];
  const conditions: string[] = [];
  if (rule.guard !== null) conditions.push(rule.decision === null ? guardExpression(rule.guard) : wrap(guardExpression(rule.guard), rule.guard));
  if (rule.decision !== null) conditions.push(`ctx.decide(${literal(rule.decision)}, ${id}, ${literal(rule.modality)})`);
  // A SHALL NOT rule forbids its actions here; it does not fire, so `fired(...)` and `otherwise` see it as not done.
  if (prohibits(rule)) fire.push('// Prohibitions: the runtime refuses these actions in this situation.');
  else fire.push(`fired.add(${id});`);
  for (const action of rule.actions) {
    const args = `[${action.args.map(literal).join(', ')}]`;
    fire.push(`decisions.push({ rule: ${id}, modality: ${literal(rule.modality)}, action: ${literal(action.name)}, args: ${args} });`);
  }
  const inner = conditions.length === 0 ? fire.join('\n') : `if (${conditions.join(' && ')}) {\n${fire.join('\n')}\n}`;
  const applies = appliesExpression(rule, event);
  lines.push(applies === 'true' ? '{' : `if (${applies}) {`, `matched.add(${id});`, inner, '}');
  return lines.join('\n');
}

/** Every rule id of the handler, then the references and CRs they share, each once. */
function handlerTags(rules: readonly RuleIR[]): OptionalKind<JSDocTagStructure>[] {
  const all = rules.flatMap((rule) => ruleTags(rule));
  const ids = all.filter((tag) => tag.tagName === 'rule');
  const rest = all.filter((tag) => tag.tagName !== 'rule');
  const unique = rest.filter((tag, i) => rest.findIndex((t) => t.tagName === tag.tagName && t.text === tag.text) === i);
  return [...ids, ...unique];
}

export function emitHandlers(project: Project, unit: HandlerUnit): string {
  const file = project.createSourceFile(`/generated/handlers/${unit.unit}.ts`, '', { overwrite: true });
  file.addImportDeclaration({ isTypeOnly: true, namedImports: ['Decision', 'ProcedureContext'], moduleSpecifier: '../../runtime/index.ts' });
  for (const event of unit.events) {
    const rules = rulesForEvent(unit.rules, event);
    const blocks = rules.map((rule) => ruleBlock(rule, event));
    // A handler whose rules never fire (e.g. only SHALL NOT rules after a CR) would leave `fired` unread,
    // which the project's compiler settings reject; it is declared only where a block uses it.
    const usesFired = blocks.some((block) => /\bfired\./.test(block));
    const body = [
      'const decisions: Decision[] = [];',
      ...(usesFired
        ? ['// Rules whose trigger matched this event, and rules that fired, for `otherwise` and `fired` guards.', 'const matched = new Set<string>();', 'const fired = new Set<string>();']
        : ['// Rules whose trigger matched this event, for `otherwise` guards.', 'const matched = new Set<string>();']),
      ...blocks.map((block) => `\n${block}`),
      '\nreturn decisions;',
    ];
    file.addFunction({
      isExported: true,
      name: handlerName(event),
      parameters: [{ name: 'ctx', type: 'ProcedureContext' }],
      returnType: 'Decision[]',
      statements: body.join('\n'),
      docs: [
        {
          description: `Runs the rules triggered by \`${event}\`, in spec order, and returns what they ask for.`,
          tags: handlerTags(rules),
        },
      ],
    });
  }
  return `${generatedHeader(distinctSources(unit.sources))}\n${formatSourceFile(file)}`;
}
