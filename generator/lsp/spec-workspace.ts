// The language server's view of the spec: the default spec files from disk with the editor's open
// documents laid over them, compiled by the same front end (and CR-text coverage) as `spec check`.
// An open file outside that set (a new CR not yet in spec/cr/ORDER, an example CR) is compiled as
// if appended, as `spec check --cr FILE` does; a CR under spec/cr/ gets a note to list it.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileSpec } from '../compile-spec.ts';
import { checkCrTexts } from '../coverage/check-cr-texts.ts';
import { extractStatements, type CrText } from '../coverage/extract-statements.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SpecIR } from '../ir/types.ts';
import { defaultSpecPaths } from '../load-spec.ts';

export interface WorkspaceState {
  ir: SpecIR | null;
  diagnostics: Diagnostic[];
  /** root-relative path -> text, as compiled. */
  sources: Map<string, string>;
  /** The CR text a CR names, if readable (for hovers). */
  crText: CrText | null;
  /** Open CR files under spec/cr/ that spec/cr/ORDER does not list (checked as if appended). */
  unlisted: string[];
}

const isUnlistedCr = (path: string): boolean => /^spec\/cr\/[^/]+\.cr$/.test(path);

export const pathOfUri = (root: string, uri: string): string => {
  const file = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  return (isAbsolute(file) ? relative(root, file) : file).split('\\').join('/');
};

export const uriOfPath = (root: string, path: string): string => pathToFileURL(resolve(root, path)).href;

export async function compileWorkspace(root: string, open: ReadonlyMap<string, string>): Promise<WorkspaceState> {
  let paths: string[];
  try {
    paths = await defaultSpecPaths(root);
  } catch {
    paths = [];
  }
  // An open file outside the default set (an example CR, a new .rules file) is compiled after it.
  const unlisted: string[] = [];
  for (const path of open.keys()) {
    if (paths.includes(path) || !/\.(?:cr|rules)$/.test(path)) continue;
    paths.push(path);
    if (isUnlistedCr(path)) unlisted.push(path);
  }
  const sources = new Map<string, string>();
  for (const path of paths) {
    const text = open.get(path) ?? (await readFile(resolve(root, path), 'utf8').catch(() => null));
    if (text !== null) sources.set(path, text);
  }
  const result = compileSpec([...sources].map(([path, text]) => ({ path, text })));
  const diagnostics = [...result.diagnostics];
  let crText: CrText | null = null;
  if (result.ir !== null) {
    diagnostics.push(...(await checkCrTexts(result.ir, sources, root, (p) => readFile(p, 'utf8'))));
    const named = result.ir.crs.map((c) => c.text).find((t) => t !== undefined && t !== null);
    if (named) {
      const file = isAbsolute(named.path) ? named.path : resolve(root, named.source.file, '..', named.path);
      crText = await readFile(file, 'utf8').then(extractStatements, () => null);
    }
  }
  return { ir: result.ir, diagnostics, sources, crText, unlisted };
}
