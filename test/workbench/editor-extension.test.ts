// editor/vscode/ is a loadable extension: its manifest points at files that exist, the grammar's
// patterns compile and pick out the spec's tokens, and the client starts `cpm-ft spec lsp`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workbench-helpers.ts';

const dir = join(repoRoot, 'editor/vscode');
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
  main: string;
  contributes: { languages: { extensions: string[]; configuration: string }[]; grammars: { path: string; scopeName: string }[] };
};
const grammar = JSON.parse(readFileSync(join(dir, manifest.contributes.grammars[0]!.path), 'utf8')) as { scopeName: string; patterns: { name?: string; match?: string }[] };

describe('editor/vscode', () => {
  it('the manifest names .rules and .cr and files that exist', () => {
    expect(manifest.contributes.languages[0]!.extensions).toEqual(['.rules', '.cr']);
    for (const path of [manifest.main, manifest.contributes.languages[0]!.configuration, manifest.contributes.grammars[0]!.path]) expect(existsSync(join(dir, path)), path).toBe(true);
    expect(grammar.scopeName).toBe(manifest.contributes.grammars[0]!.scopeName);
    expect(readFileSync(join(dir, manifest.main), 'utf8')).toContain("'spec', 'lsp'");
  });

  it('the grammar scopes modality, field keywords, rule ids and documents', () => {
    const scopeOf = (token: string): string | undefined =>
      grammar.patterns.find((p) => p.match !== undefined && new RegExp(`^(?:${p.match})$`).test(token))?.name;
    expect(scopeOf('SHALL NOT')).toMatch(/^keyword\.other\.modality/);
    expect(scopeOf('covers')).toMatch(/^keyword\.control\.field/);
    expect(scopeOf('7.6.1-4.b.ii')).toMatch(/^constant\.other\.rule-id/);
    expect(scopeOf('7.6.2')).toMatch(/^constant\.numeric\.clause/);
    expect(scopeOf('RFC5547')).toMatch(/^entity\.name\.type\.document/);
  });
});
