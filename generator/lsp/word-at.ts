// The spec token under the cursor (a rule id, clause or document id, or a kebab-case name), and
// LSP ranges for our 1-based locations.
export interface Word { text: string; line: number; start: number; end: number }

const token = /[A-Za-z0-9][A-Za-z0-9._-]*/g;

/** line and character are 0-based, as LSP sends them. */
export function wordAt(text: string, line: number, character: number): Word | null {
  const lineText = text.split(/\r?\n/)[line];
  if (lineText === undefined) return null;
  for (const match of lineText.matchAll(token)) {
    const start = match.index;
    // A trailing '.' ends a sentence, not an id.
    const word = match[0].replace(/\.+$/, '');
    const end = start + word.length;
    if (character >= start && character <= end) return { text: word, line, start, end };
  }
  return null;
}

/** The range of the token at a 1-based location (at least one character). */
export function rangeAt(text: string | undefined, line: number, column: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const l = Math.max(0, line - 1);
  const c = Math.max(0, column - 1);
  const lineText = text?.split(/\r?\n/)[l] ?? '';
  const rest = lineText.slice(c);
  const word = /^"(?:[^"\\]|\\.)*"|^[A-Za-z0-9][A-Za-z0-9._-]*|^\S/.exec(rest)?.[0] ?? '';
  return { start: { line: l, character: c }, end: { line: l, character: c + Math.max(1, word.length) } };
}
