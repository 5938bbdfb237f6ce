// Reads the spec from disk in its default order (or the files given) and compiles it.
// Default order: spec/documents.rules, spec/cpm-conversation.rules, spec/file-transfer.rules, spec/rfc5547-answerer.rules,
// spec/sdp-attributes.rules, then the CRs listed in spec/cr/ORDER, then any extra CRs.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { compileSpec, type CompileResult } from './compile-spec.ts';

export const defaultSpecFiles = ['spec/documents.rules', 'spec/cpm-conversation.rules', 'spec/file-transfer.rules', 'spec/rfc5547-answerer.rules', 'spec/sdp-attributes.rules'] as const;

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
  return [...defaultSpecFiles, ...crs];
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
