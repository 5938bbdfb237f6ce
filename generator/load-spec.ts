// Reads the spec from disk in its default order (or the files given) and compiles it.
// Default order: spec/documents.rules, spec/cpm-conversation.rules, spec/file-transfer.rules, spec/rfc5547-answerer.rules,
// spec/sdp-attributes.rules, then the CRs listed in spec/cr/ORDER, then any extra CRs.
import { access, readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { compileSpec, type CompileResult } from './compile-spec.ts';

/**
 * The base files, read first and in this order. An optional one is read when the tree (or the git
 * revision) has it: spec/rfc5547-answerer.rules (the receiving side's RFC 5547 rules) came after
 * the CR's files, and revisions or frozen spec trees from before it compile as they did.
 */
export const baseSpecFiles = [
  { path: 'spec/documents.rules', optional: false },
  { path: 'spec/cpm-conversation.rules', optional: false },
  { path: 'spec/file-transfer.rules', optional: false },
  { path: 'spec/rfc5547-answerer.rules', optional: true },
  { path: 'spec/sdp-attributes.rules', optional: false },
] as const;

/** The base files present, per `has` (a path exists in the tree or revision). */
export async function presentBaseFiles(has: (path: string) => Promise<boolean>): Promise<string[]> {
  const present = await Promise.all(baseSpecFiles.map(async (f) => !f.optional || (await has(f.path))));
  return baseSpecFiles.filter((_, i) => present[i]).map((f) => f.path);
}

export interface LoadSpecOptions {
  /** Spec files to compile instead of the default set (paths relative to root, or absolute). */
  files?: string[];
  /** CR files applied after the default ones, in the order given (e.g. spec/examples/cr-4a-shall.cr). */
  extraCrs?: string[];
}

export interface LoadSpecResult extends CompileResult {
  /** Every file read, keyed by its root-relative path (for diagnostic excerpts). */
  sources: Map<string, string>;
}

/** The default file list: base .rules files then the CRs of spec/cr/ORDER (comments and blanks ignored). */
export async function defaultSpecPaths(root: string): Promise<string[]> {
  const order = await readFile(resolve(root, 'spec/cr/ORDER'), 'utf8');
  const crs = order
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => `spec/cr/${l}`);
  const base = await presentBaseFiles((path) => access(resolve(root, path)).then(() => true, () => false));
  return [...base, ...crs];
}

const toRelative = (root: string, path: string): string => (isAbsolute(path) ? relative(root, path) : path).split('\\').join('/');

export async function loadSpec(root: string, options: LoadSpecOptions = {}): Promise<LoadSpecResult> {
  const start = performance.now();
  const paths = [...(options.files ?? (await defaultSpecPaths(root))), ...(options.extraCrs ?? [])].map((p) => toRelative(root, p));
  const sources = new Map<string, string>();
  for (const path of paths) sources.set(path, await readFile(resolve(root, path), 'utf8'));
  const read = performance.now() - start;
  const result = compileSpec([...sources].map(([path, text]) => ({ path, text })));
  return { ...result, sources, timings: { read, ...result.timings } };
}
