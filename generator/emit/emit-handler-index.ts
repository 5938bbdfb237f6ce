// Emits generated/handlers/index.ts: the `procedureHandlers` delegate the runtime calls, and a
// `rules` metadata table for logs, docs and the trace.
import type { Project } from 'ts-morph';
import { VariableDeclarationKind } from 'ts-morph';
import type { RuleIR } from '../ir/types.ts';
import type { HandlerUnit } from './emit-handlers.ts';
import { distinctSources, generatedHeader } from './generated-header.ts';
import { formatSourceFile } from './format-source.ts';
import { handlerName, literal } from './names.ts';

function ruleEntry(rule: RuleIR): string {
  const triggers = rule.triggers.map((t) => literal(t.event)).join(', ');
  const actions = rule.actions.map((a) => `{ name: ${literal(a.name)}, args: [${a.args.map(literal).join(', ')}] }`).join(', ');
  const cr = rule.cr === null ? 'null' : `{ id: ${literal(rule.cr.id)}, revision: ${literal(rule.cr.revision)} }`;
  return [
    `/** @rule ${rule.id} */`,
    `{ id: ${literal(rule.id)}, clause: ${literal(rule.clause)}, step: ${rule.step === null ? 'null' : literal(rule.step)}, ` +
      `modality: ${literal(rule.modality)}, summary: ${literal(rule.summary)}, triggers: [${triggers}], actions: [${actions}], cr: ${cr} }`,
  ].join('\n');
}

export function emitHandlerIndex(project: Project, units: readonly HandlerUnit[], eventOrder: readonly string[]): string {
  const file = project.createSourceFile('/generated/handlers/index.ts', '', { overwrite: true });
  file.addImportDeclaration({
    isTypeOnly: true,
    namedImports: ['Modality', 'ProcedureAction', 'ProcedureEvent', 'ProcedureHandlers'],
    moduleSpecifier: '../../runtime/index.ts',
  });
  for (const unit of units) {
    file.addImportDeclaration({ namedImports: unit.events.map(handlerName).sort(), moduleSpecifier: `./${unit.unit}.ts` });
  }
  const entries: string[] = [];
  for (const event of eventOrder) {
    const unit = units.find((u) => u.events.includes(event));
    if (unit !== undefined) entries.push(`${literal(event)}: ${handlerName(event)}`);
  }
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'procedureHandlers', initializer: `{\n${entries.join(',\n')},\n} satisfies ProcedureHandlers` }],
    docs: ['The generated procedure handlers, one per event some rule triggers on; pass this to the runtime.'],
  });
  file.addInterface({
    isExported: true,
    name: 'RuleInfo',
    docs: ['What the spec says about one rule, for logs, docs and the trace.'],
    properties: [
      { name: 'id', type: 'string', isReadonly: true },
      { name: 'clause', type: 'string', isReadonly: true },
      { name: 'step', type: 'string | null', isReadonly: true },
      { name: 'modality', type: 'Modality', isReadonly: true },
      { name: 'summary', type: 'string', isReadonly: true },
      { name: 'triggers', type: 'readonly ProcedureEvent[]', isReadonly: true },
      { name: 'actions', type: 'readonly { readonly name: ProcedureAction; readonly args: readonly string[] }[]', isReadonly: true },
      { name: 'cr', type: '{ readonly id: string; readonly revision: string } | null', isReadonly: true },
    ],
  });
  const rules = units.flatMap((unit) => unit.rules);
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'rules', type: 'readonly RuleInfo[]', initializer: `[\n${rules.map(ruleEntry).join(',\n')},\n]` }],
    docs: ['Every rule of the spec after all CRs, in spec order.'],
  });
  const sources = distinctSources(units.flatMap((unit) => unit.sources));
  return `${generatedHeader(sources)}\n${formatSourceFile(file)}`;
}
