// `cpm-ft spec fmt` on one file's text: parse, reprint in canonical layout (generator/parse/print-spec.ts),
// and refuse to hand back a layout that would change what the file says.
import { isDeepStrictEqual } from 'node:util';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { parseSpecFile } from '../parse/parse-spec.ts';
import { printSpec } from '../parse/print-spec.ts';
import { stripLocations } from '../parse/strip-locations.ts';
import { Session } from '../session.ts';

export type FormatResult = { ok: true; text: string; changed: boolean } | { ok: false; diagnostics: Diagnostic[] };

const commentTexts = (comments: readonly { text: string }[]): string[] => comments.map((c) => c.text.trimEnd());

export function formatSpecText(path: string, text: string): FormatResult {
  const session = new Session();
  const ast = parseSpecFile(path, text, session);
  if (ast === null) return { ok: false, diagnostics: session.diagnostics };
  const formatted = printSpec(ast, text);
  const again = parseSpecFile(path, formatted, session);
  // The printer is the formatter's only logic; if it ever lost a field or a comment, say so rather than write.
  if (again === null || !isDeepStrictEqual(stripLocations(again.items), stripLocations(ast.items)) || !isDeepStrictEqual(commentTexts(again.comments), commentTexts(ast.comments))) {
    return {
      ok: false,
      diagnostics: [
        { code: 'fmt-internal', severity: 'error', message: 'the formatted text would not parse back to the same spec; file left unchanged', location: { file: path, line: 1, column: 1 }, notes: [] },
      ],
    };
  }
  return { ok: true, text: formatted, changed: formatted !== text };
}
