// rustc-style excerpt: `path:line:col: severity[code]: message`, the source line, a caret under the
// column, then each note the same way. Sources are looked up by path; a missing source prints no excerpt.
import type { SourceLocation } from '../ir/types.ts';
import type { Diagnostic } from './diagnostic.ts';

function excerpt(location: SourceLocation, sources: ReadonlyMap<string, string>): string {
  const text = sources.get(location.file);
  if (text === undefined) return '';
  const line = text.split(/\r?\n/)[location.line - 1];
  if (line === undefined) return '';
  const gutter = String(location.line);
  const pad = ' '.repeat(gutter.length);
  // Tabs before the column keep their width so the caret lines up.
  const lead = line.slice(0, Math.max(0, location.column - 1)).replace(/[^\t]/g, ' ');
  return `${pad} |\n${gutter} | ${line}\n${pad} | ${lead}^\n`;
}

const where = (location: SourceLocation | null): string =>
  location === null ? 'cpm-ft' : `${location.file}:${location.line}:${location.column}`;

export function formatDiagnostic(diagnostic: Diagnostic, sources: ReadonlyMap<string, string>): string {
  let out = `${where(diagnostic.location)}: ${diagnostic.severity}[${diagnostic.code}]: ${diagnostic.message}\n`;
  if (diagnostic.location !== null) out += excerpt(diagnostic.location, sources);
  for (const note of diagnostic.notes) {
    // A note without a location is a hint about the whole problem, printed under it.
    if (note.location === null) out += `  = note: ${note.message}\n`;
    else out += `${where(note.location)}: note: ${note.message}\n${excerpt(note.location, sources)}`;
  }
  return out;
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  return diagnostics.map((d) => formatDiagnostic(d, sources)).join('');
}
