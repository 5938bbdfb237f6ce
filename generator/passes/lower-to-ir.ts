// Lowers the checked spec model to the plain-JSON IR the emitters read (generator/ir/types.ts).
// Runs only when no errors were reported, so every required field is present here.
import type { AttributeIR, GuardIR, RuleIR, SpecIR } from '../ir/types.ts';
import type { AttributeNode, GuardNode } from '../parse/ast.ts';
import { orderRules } from './order-rules.ts';
import type { SpecModel, WorkingRule } from './spec-model.ts';

const camelCase = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function lowerGuard(guard: GuardNode | null): GuardIR | null {
  if (guard === null) return null;
  switch (guard.kind) {
    case 'fact':
      return { kind: 'fact', name: guard.name.value };
    case 'fired':
      return { kind: 'fired', rule: guard.rule.value };
    case 'not':
      return { kind: 'not', operand: lowerGuard(guard.operand)! };
    case 'and':
    case 'or':
      return { kind: guard.kind, operands: guard.operands.map((o) => lowerGuard(o)!) };
  }
}

function lowerRule(rule: WorkingRule): RuleIR {
  return {
    id: rule.id,
    clause: rule.clause,
    step: rule.step,
    modality: rule.modality.value,
    triggers: rule.triggers.map((t) => ({ event: t.event.value, guard: lowerGuard(t.guard) })),
    guard: lowerGuard(rule.guard),
    decision: rule.decision?.value ?? null,
    otherwiseOf: rule.otherwiseOf?.value ?? null,
    actions: rule.actions.map((a) => ({ name: a.action.value, args: a.args.map((x) => x.value), source: a.location })),
    references: rule.references.map((r) => r.value),
    covers: rule.covers.map((c) => ({ step: c.step?.value ?? null, quote: c.quote, source: c.location })),
    summary: rule.summary ?? '',
    cr: rule.cr,
    history: rule.history.map((h) => ({ ...h })),
    source: rule.source,
  };
}

function lowerAttribute(node: AttributeNode): AttributeIR {
  let property = camelCase(node.name.value);
  let required = false;
  let reference = '';
  let summary = '';
  let example = '';
  const parts: AttributeIR['parts'] = [];
  for (const field of node.fields) {
    switch (field.kind) {
      case 'part':
        parts.push({ key: field.key.value, property: camelCase(field.key.value), codec: field.codec.value, required: field.required });
        break;
      case 'property':
        property = field.value;
        break;
      case 'required':
        required = true;
        break;
      case 'see':
        reference = field.refs[0]?.value ?? '';
        break;
      case 'summary':
        summary = field.text;
        break;
      case 'example':
        example = field.text;
        break;
    }
  }
  return {
    name: node.name.value,
    property,
    kind: node.shape,
    codec: node.codec?.value ?? null,
    parts,
    alternatives: node.alternatives.map((a) => a.value),
    required,
    reference,
    summary,
    example,
    source: node.name.location,
  };
}

export function lowerToIr(model: SpecModel): SpecIR {
  return {
    irVersion: 1,
    sources: [...model.sources],
    documents: model.documents.map((d) => ({ id: d.id, title: d.title, source: d.source })),
    clauses: model.clauses.map((c) => ({ id: c.id, title: c.title, external: c.external, unit: c.unit, source: c.source })),
    rules: orderRules(model).map(lowerRule),
    crs: model.crs.map((cr) => ({
      id: cr.id,
      revision: cr.revision,
      title: cr.title,
      amends: cr.amends.map((a) => a.value),
      text: cr.text === null ? null : { path: cr.text.path, source: cr.text.location, ...(cr.text.revision === null ? {} : { revision: cr.text.revision }) },
      changes: cr.changes.map((c) => ({ kind: c.kind, rule: c.rule, ...(c.kind === 'modify' ? { fields: c.fields } : {}), source: c.source })),
      source: cr.source,
    })),
    attributes: model.attributes.map(lowerAttribute),
  };
}
