// Every syntax error of a file, not just the first, one per rule: after each error the rule (or
// modify, attribute) block holding it is blanked out, or, outside such a block, the offending line
// (a CR field, a declaration) or the block that line opens
// (newlines kept, so every later location stays where it was) and the file is parsed again.
// Blanking a rule inside a CR leaves a valid CR; blanking a top-level block leaves a valid file.
import { parse, SyntaxError as PeggySyntaxError } from '../../grammar/rules-parser.js';

export interface Block { headerStart: number; open: number; close: number }

/** The `{ ... }` blocks of a text (strings and comments skipped); an unclosed block runs to the end. */
export function blocksOf(text: string): { blocks: Block[]; braces: Set<number> } {
  const blocks: Block[] = [];
  const braces = new Set<number>();
  const stack: { headerStart: number; open: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (ch === '{') {
      braces.add(i);
      const lineStart = text.lastIndexOf('\n', i - 1) + 1;
      const headerStart = lineStart + (/^\s*/.exec(text.slice(lineStart, i))?.[0].length ?? 0);
      stack.push({ headerStart, open: i });
    } else if (ch === '}') {
      braces.add(i);
      const opened = stack.pop();
      if (opened !== undefined) blocks.push({ ...opened, close: i });
    }
  }
  for (const opened of stack) blocks.push({ ...opened, close: text.length - 1 });
  return { blocks, braces };
}

/** The span to blank for an error at `offset`, or null when nothing sensible is left to remove. */
function spanToBlank(text: string, offset: number): [number, number] | null {
  const { blocks, braces } = blocksOf(text);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  const lineEnd = newline === -1 ? text.length - 1 : newline - 1;
  const innermost = blocks.filter((b) => b.headerStart <= offset && offset <= b.close).sort((a, b) => b.headerStart - a.headerStart)[0];
  // A block whose header is on this line: its header is broken, or it is where a missing '}' shows.
  const opened = blocks.filter((b) => b.headerStart >= lineStart && b.headerStart <= lineEnd).sort((a, b) => a.headerStart - b.headerStart)[0];
  // A rule block running into the next block's header lacks its '}': drop that rule up to here only.
  const ruleHeader = /^(?:add|modify|rule|attribute)\b/;
  const unclosed = blocks.filter((b) => b.headerStart < lineStart && offset <= b.close).sort((a, b) => b.headerStart - a.headerStart)[0];
  if (opened !== undefined && offset === opened.headerStart && unclosed !== undefined && ruleHeader.test(text.slice(unclosed.headerStart)) && /^(?:add|modify|rule|attribute|cr|document|clause|external)\b/.test(text.slice(offset))) {
    return [unclosed.headerStart, lineStart - 1];
  }
  if (opened !== undefined) return [opened.headerStart, opened.close];
  // Inside a rule (a block holding no other block) the rest of it would only cascade: drop the rule.
  const leaf = innermost !== undefined && !blocks.some((b) => b !== innermost && b.headerStart > innermost.headerStart && b.close <= innermost.close);
  if (leaf) return [innermost.headerStart, innermost.close];
  const line = text.slice(lineStart, lineEnd + 1);
  const hasBrace = [...braces].some((b) => b >= lineStart && b <= lineEnd);
  if (line.trim() === '' || hasBrace) {
    if (innermost !== undefined) return [innermost.headerStart, innermost.close];
    return line.trim() === '' ? null : [lineStart, lineEnd];
  }
  return [lineStart, lineEnd];
}

const blank = (text: string, [start, end]: [number, number]): string =>
  text.slice(0, start) + text.slice(start, end + 1).replace(/[^\n]/g, ' ') + text.slice(end + 1);

/** Every syntax error peggy finds in `text`, each against the text as it was when found (same offsets). */
export function collectSyntaxErrors(path: string, text: string, limit = 50): { error: PeggySyntaxError; text: string }[] {
  const found: { error: PeggySyntaxError; text: string }[] = [];
  let current = text;
  while (found.length < limit) {
    try {
      parse(current, { grammarSource: path });
      break;
    } catch (error) {
      if (!(error instanceof PeggySyntaxError)) throw error;
      found.push({ error, text: current });
      const span = spanToBlank(current, error.location.start.offset);
      if (span === null) break;
      const next = blank(current, span);
      if (next === current) break;
      current = next;
    }
  }
  return found;
}
