// Go to definition: a rule id after `fired(`, `otherwise`, `modify` or `remove` goes to the
// `rule <id>` / `add rule <id>` that defines it, found in the spec texts as they are now (so it
// works while a file does not parse); a clause, document or attribute name goes to its declaration
// in the IR. '7.6.2' is both a clause and that clause's one rule: the words before it say which.
import type { SourceLocation, SpecIR } from '../ir/types.ts';
import { wordAt } from './word-at.ts';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where `rule <id>` is first written in the texts, in compile order. */
export function ruleDefinition(sources: ReadonlyMap<string, string>, id: string): SourceLocation | null {
  const header = new RegExp(`^([ \\t]*(?:add[ \\t]+)?rule[ \\t]+)${escape(id)}(?=[ \\t])`, 'm');
  for (const [file, text] of sources) {
    const match = header.exec(text);
    if (match === null) continue;
    const before = text.slice(0, match.index).split('\n');
    return { file, line: before.length, column: before.at(-1)!.length + match[1]!.length + 1 };
  }
  return null;
}

export function definitionAt(text: string, line: number, character: number, sources: ReadonlyMap<string, string>, ir: SpecIR | null): SourceLocation | null {
  const word = wordAt(text, line, character);
  if (word === null) return null;
  const before = (text.split(/\r?\n/)[line] ?? '').slice(0, word.start);
  const ruleContext = /(?:fired\(\s*|otherwise\s+|modify\s+|remove\s+|rule\s+)$/.test(before);
  const rule = ruleDefinition(sources, word.text) ?? ir?.rules.find((r) => r.id === word.text)?.source ?? null;
  const other =
    ir?.clauses.find((c) => c.id === word.text)?.source ??
    ir?.documents.find((d) => d.id === word.text)?.source ??
    ir?.attributes.find((a) => a.name === word.text)?.source ??
    null;
  return ruleContext ? (rule ?? other) : (other ?? rule);
}
