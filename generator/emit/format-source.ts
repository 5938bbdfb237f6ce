// One fixed formatting for every emitted TypeScript module, so output is byte-stable.
import type { SourceFile } from 'ts-morph';

export function formatSourceFile(file: SourceFile): string {
  file.formatText({ indentSize: 2, tabSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
  return file.getFullText().replace(/\n{3,}/g, '\n\n');
}
