// Typed wrapper around the committed peggy parser: turns every syntax error of a file (see
// recover-syntax-errors.ts) into a located diagnostic with a readable "expected ... but found ..."
// message that names what may come there in words ("a rule field (on, if, ...)"), never a stack trace.
import { parse, SyntaxError as PeggySyntaxError } from '../../grammar/rules-parser.js';
import type { PeggyExpectation } from '../../grammar/rules-parser.js';
import type { Session } from '../session.ts';
import type { SpecFileNode } from './ast.ts';
import { collectSyntaxErrors } from './recover-syntax-errors.ts';
import { suggest } from './suggest.ts';

// Words a spec editor may mistype; used for "did you mean" hints on syntax errors.
const keywords = [
  'document', 'clause', 'external', 'attribute', 'rule', 'cr', 'title', 'amends', 'after', 'add', 'modify',
  'remove', 'on', 'when', 'if', 'decision', 'none', 'otherwise', 'do', 'see', 'summary', 'and', 'or', 'not',
  'fired', 'selector', 'value', 'flag', 'part', 'property', 'required', 'example',
  'SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'MAY',
];

function describe(e: PeggyExpectation): string | null {
  switch (e.type) {
    case 'literal':
      return `"${e.text}"`;
    case 'other':
      // Whitespace and comments are expected almost everywhere; listing them only adds noise.
      return e.description === 'whitespace' || e.description === 'comment' ? null : e.description;
    case 'end':
      return 'end of file';
    case 'any':
      return 'any character';
    case 'class':
      return null;
  }
}

function foundAt(text: string, offset: number): string {
  if (offset >= text.length) return 'end of file';
  const word = /^[A-Za-z0-9_.-]+/.exec(text.slice(offset));
  if (word !== null) return `"${word[0]}"`;
  const ch = text[offset] ?? '';
  return ch === '\n' || ch === '\r' ? 'end of line' : JSON.stringify(ch);
}

// Keyword sets the grammar offers together, said in words; a set is named only when all of it is expected.
const groups: { words: string; members: string[] }[] = [
  { words: 'a declaration', members: ['document', 'clause', 'external', 'attribute', 'rule', 'cr'] },
  { words: 'a rule field', members: ['on', 'if', 'decision', 'otherwise', 'do', 'see', 'summary', 'covers'] },
  { words: 'a CR field', members: ['title', 'amends', 'after', 'add', 'text', 'modify', 'remove'] },
  { words: 'an attribute field', members: ['part', 'property', 'required', 'see', 'summary', 'example'] },
  { words: 'a modality', members: ['SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'MAY'] },
  { words: 'an attribute shape', members: ['selector', 'value', 'flag'] },
];

function inWords(expectations: readonly PeggyExpectation[]): string[] {
  const literals = new Set(expectations.filter((e) => e.type === 'literal').map((e) => e.text));
  const phrases: string[] = [];
  for (const group of groups) {
    if (!group.members.every((m) => literals.has(m))) continue;
    phrases.push(`${group.words} (${group.members.join(', ')})`);
    for (const m of group.members) literals.delete(m);
  }
  const rest = expectations.filter((e) => e.type !== 'literal' || literals.has(e.text)).map(describe).filter((d): d is string => d !== null);
  return [...phrases, ...[...new Set(rest)].sort()];
}

export function syntaxMessage(error: PeggySyntaxError, text: string): { message: string; word: string | null } {
  const expected = inWords(error.expected ?? []);
  const list =
    expected.length === 0 ? 'something else' : expected.length === 1 ? expected[0]! : `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)!}`;
  const found = foundAt(text, error.location.start.offset);
  const word = /^"([A-Za-z-]+)"$/.exec(found)?.[1] ?? null;
  return { message: `expected ${list} but found ${found}`, word };
}

/** Parses one spec file; on syntax errors reports each (`syntax-error`) and returns null. */
export function parseSpecFile(path: string, text: string, session: Session): SpecFileNode | null {
  try {
    return parse(text, { grammarSource: path }) as SpecFileNode;
  } catch (error) {
    if (!(error instanceof PeggySyntaxError)) throw error;
  }
  for (const { error, text: parsed } of collectSyntaxErrors(path, text)) {
    const { message, word } = syntaxMessage(error, parsed);
    const hint = word === null ? null : suggest(word, keywords);
    session.error('syntax-error', hint === null ? message : `${message} (did you mean "${hint}"?)`, {
      file: path,
      line: error.location.start.line,
      column: error.location.start.column,
    });
  }
  return null;
}
