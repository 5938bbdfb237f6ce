// Text from the peer (file names, URIs, display names, reason phrases, header values) printed for
// people. A terminal obeys control characters, so a name carrying ESC sequences, CR or BEL could
// drive the operator's terminal or forge log lines; bidi controls could make a name read backwards
// (`exe.txt` shown as `txt.exe`). Human output escapes them all; JSON logs write them as \u
// escapes (json-log.ts), which JSON parsing turns back into the exact text.

/**
 * C0 controls and DEL, C1 controls, the bidi embeddings/overrides/isolates and marks (U+061C,
 * U+200E/F, U+202A-U+202E, U+2066-U+2069), the line and paragraph separators and the BOM.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeOne(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control and bidi character written as a visible escape (`\x1b`, `\u202e`). */
export function safeText(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** Template tag: interpolated values are made safe, the literal parts (ours) stay as written. */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += safeText(String(values[i])) + (strings[i + 1] ?? '');
  return out;
}

/**
 * A line writer for human output: every line passes through safeText, so a command cannot forget
 * to escape a peer's text in one of its messages (the trailing newline is ours and kept).
 */
export function safeLineWriter(stream: NodeJS.WritableStream): { write(text: string): void } {
  return { write: (text: string): void => { stream.write(safeText(text.replace(/\n$/, '')) + '\n'); } };
}
