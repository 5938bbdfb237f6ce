// Completion by what the cursor follows: after `on ` the events of the rule's side, after `do ` its
// actions, after `if ` (and `when`, `and`, `or`, `not`) its guards and `fired(<earlier rule>)`,
// after `decision ` its decision points, after `follow-clause ` the clauses the runtime follows,
// after `fired(` / `otherwise ` the rules that come earlier, after `modify ` / `remove ` every rule,
// at the start of a line the fields of the block the cursor is in. Each name once.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import type { SpecIR } from '../ir/types.ts';
import { compareSteps } from '../passes/order-rules.ts';
import { splitRuleId } from '../passes/spec-model.ts';
import { blockContextAt, type BlockContext, type BlockKind } from './block-context.ts';
import { followable, namesOf, roleOfEvent, type VocabularyKind } from './lsp-vocabulary.ts';

const fieldKeywords: Record<BlockKind, string[]> = {
  rule: ['on', 'if', 'decision', 'otherwise', 'do', 'see', 'summary', 'covers'],
  modify: ['on', 'if', 'decision', 'otherwise', 'do', 'see', 'summary', 'covers'],
  cr: ['title', 'amends', 'after', 'text', 'add rule', 'modify', 'remove'],
  attribute: ['part', 'property', 'required', 'see', 'summary', 'example'],
  top: ['document', 'clause', 'external clause', 'attribute', 'rule', 'cr'],
};
const modalityWords = ['SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'MAY'];
const itemKind: Record<VocabularyKind, CompletionItemKind> = {
  event: CompletionItemKind.Event,
  guard: CompletionItemKind.Variable,
  action: CompletionItemKind.Function,
  'decision point': CompletionItemKind.EnumMember,
};

/** The side of the rule the cursor is in: its first known event, else the rule's own (last good IR). */
function sideOf(context: BlockContext, ir: SpecIR | null) {
  for (const event of context.events) {
    const role = roleOfEvent(event);
    if (role !== null) return role;
  }
  const first = ir?.rules.find((r) => r.id === context.ruleId)?.triggers[0]?.event;
  return first === undefined ? null : roleOfEvent(first);
}

/** Rules that come before `ruleId` in the spec's order (clause order, then step order). */
function earlierRules(ir: SpecIR | null, ruleId: string | null): string[] {
  if (ir === null || ruleId === null) return [];
  const rank = (clause: string): number => {
    const i = ir.clauses.findIndex((c) => c.id === clause);
    return i === -1 ? ir.clauses.length : i;
  };
  const self = splitRuleId(ruleId);
  return ir.rules
    .filter((r) => r.id !== ruleId && (rank(r.clause) < rank(self.clause) || (r.clause === self.clause && compareSteps(r.step, self.step) < 0)))
    .map((r) => r.id);
}

export function completionsAt(text: string, line: number, character: number, ir: SpecIR | null): CompletionItem[] {
  const lines = text.split(/\r?\n/);
  const prefix = (lines[line] ?? '').slice(0, character);
  const offset = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + prefix.length;
  const context = blockContextAt(text, offset);
  const side = sideOf(context, ir);
  const items: CompletionItem[] = [];
  const add = (typed: string, label: string, kind: CompletionItemKind, detail: string, documentation?: string): void => {
    if (items.some((i) => i.label === label)) return;
    const range = { start: { line, character: character - typed.length }, end: { line, character } };
    items.push({ label, kind, detail, ...(documentation === undefined ? {} : { documentation }), textEdit: { range, newText: label } });
  };
  const vocabulary = (typed: string, kind: VocabularyKind): void => {
    for (const e of namesOf(kind, side)) add(typed, e.name, itemKind[kind], `${kind} (${e.role})`, e.summary);
  };
  const rules = (typed: string, ids: string[], wrap = (id: string) => id): void => {
    for (const id of ids) add(typed, wrap(id), CompletionItemKind.Reference, 'rule', ir?.rules.find((r) => r.id === id)?.summary);
  };
  let m: RegExpExecArray | null;
  if ((m = /\bdo\s+follow-clause\s+([\w.]*)$/.exec(prefix)) !== null) {
    for (const c of followable) add(m[1]!, c.id, CompletionItemKind.Module, 'clause', c.summary);
  } else if ((m = /\bfired\(\s*([\w.-]*)$/.exec(prefix)) !== null || (m = /^\s*otherwise\s+([\w.-]*)$/.exec(prefix)) !== null) {
    rules(m[1]!, earlierRules(ir, context.ruleId));
  } else if ((m = /^\s*(?:modify|remove)\s+([\w.-]*)$/.exec(prefix)) !== null) {
    rules(m[1]!, ir?.rules.map((r) => r.id) ?? []);
  } else if ((m = /^\s*on\s+([a-z-]*)$/.exec(prefix)) !== null) {
    vocabulary(m[1]!, 'event');
  } else if ((m = /^\s*do\s+([a-z-]*)$/.exec(prefix)) !== null) {
    vocabulary(m[1]!, 'action');
  } else if ((m = /^\s*decision\s+([a-z-]*)$/.exec(prefix)) !== null) {
    vocabulary(m[1]!, 'decision point');
    add(m[1]!, 'none', CompletionItemKind.Keyword, 'keyword', 'No decision point (for a modify that makes the rule SHALL or SHALL NOT).');
  } else if ((m = /(?:^\s*if|\swhen|\sand|\sor|\snot|\()\s*([a-z-]*)$/.exec(prefix)) !== null && !/\bfired\($/.test(prefix)) {
    vocabulary(m[1]!, 'guard');
    rules(m[1]!, earlierRules(ir, context.ruleId), (id) => `fired(${id})`);
    add(m[1]!, 'not', CompletionItemKind.Keyword, 'keyword');
  } else if ((m = /^\s*(?:(?:add\s+)?rule|modify)\s+\S+\s+([A-Z]*)$/.exec(prefix)) !== null) {
    for (const word of modalityWords) add(m[1]!, word, CompletionItemKind.Keyword, 'modality');
  } else if ((m = /^\s*([a-z]*)$/.exec(prefix)) !== null) {
    for (const word of fieldKeywords[context.kind]) add(m[1]!, word, CompletionItemKind.Keyword, 'keyword');
  }
  return items;
}
