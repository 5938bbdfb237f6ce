// Provenance tags for generated symbols (protobuf-es style): which rule, which clause or RFC, which CR.
import type { RuleIR } from '../ir/types.ts';
import type { JSDocTagStructure, OptionalKind } from 'ts-morph';

export function ruleTags(rule: RuleIR): OptionalKind<JSDocTagStructure>[] {
  const tags: OptionalKind<JSDocTagStructure>[] = [{ tagName: 'rule', text: rule.id }];
  for (const reference of [rule.clause, ...rule.references.filter((r) => r !== rule.clause)]) tags.push({ tagName: 'see', text: reference });
  if (rule.cr !== null) tags.push({ tagName: 'amended-by', text: `${rule.cr.id} ${rule.cr.revision}` });
  return tags;
}

/** The same tags as line-comment text, for rule blocks inside a function body. */
export function ruleTagLines(rule: RuleIR): string[] {
  return ruleTags(rule).map((tag) => `@${tag.tagName} ${String(tag.text)}`);
}
