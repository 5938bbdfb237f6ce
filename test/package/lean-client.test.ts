// The client (the library, and the send/receive/demo/focus commands) never loads the spec toolchain:
// peggy, ajv, handlebars and ts-morph are optional peer dependencies, absent from a client install.
// Walks the module graph the built JavaScript will load, from the sources: every import that survives
// compilation (type-only imports are erased; `import { type X }` is kept by verbatimModuleSyntax),
// including dynamic `import()`, except the CLI's command table, which is the lazy boundary itself.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const toolchainPackages = ['peggy', 'ajv', 'handlebars', 'ts-morph'];
const toolchainDirs = ['generator/', 'grammar/', 'templates/'];
/** main.ts loads each command with import() when that command runs; the walk starts at the commands. */
const lazyBoundary = new Set(['src/cli/main.ts']);

/** Optional peers the client may import lazily (import() on first use), and the one module that may. */
const lazyPeers: ReadonlyMap<string, string> = new Map([['sharp', 'src/icons/image-library.ts']]);

interface FoundImport { readonly specifier: string; readonly dynamic: boolean }

/** Specifiers the compiled module still imports at run time (static, re-exports and import()). */
function runtimeImports(file: string): FoundImport[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: FoundImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) found.push({ specifier: node.moduleSpecifier.text, dynamic: false });
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) found.push({ specifier: node.moduleSpecifier.text, dynamic: false });
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteral(argument) && !lazyBoundary.has(relative(root, file))) found.push({ specifier: argument.text, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const packageOf = (specifier: string): string => specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);

/**
 * Every repository file and bare package reachable from `entries`, with the chain that reached each;
 * `lazyPackages` are the packages reached only through an import() (loaded when that code runs).
 */
function moduleGraph(entries: readonly string[]): { files: Map<string, string[]>; packages: Map<string, string[]>; lazyPackages: Map<string, string[]> } {
  const files = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const lazyPackages = new Map<string, string[]>();
  const queue = entries.map((entry) => ({ file: resolve(root, entry), chain: [entry] }));
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const path = relative(root, item.file);
    if (files.has(path)) continue;
    files.set(path, item.chain);
    if (!path.endsWith('.ts')) continue;
    for (const { specifier, dynamic } of runtimeImports(item.file)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(item.file), specifier);
        queue.push({ file: target, chain: [...item.chain, relative(root, target)] });
      } else if (!specifier.startsWith('node:')) {
        const name = packageOf(specifier);
        const into = dynamic ? lazyPackages : packages;
        if (!into.has(name)) into.set(name, [...item.chain, specifier]);
      }
    }
  }
  return { files, packages, lazyPackages };
}

const clientEntries = ['src/index.ts', 'src/cli/bin.ts', 'src/cli/commands/send.ts', 'src/cli/commands/receive.ts', 'src/cli/commands/demo.ts', 'src/cli/commands/focus.ts'];

describe('the lean client', () => {
  it('library, bin and the send/receive/demo/focus commands reach no toolchain package or toolchain file', () => {
    const { files, packages, lazyPackages } = moduleGraph(clientEntries);
    const bad = [
      ...[...packages, ...lazyPackages].filter(([name]) => toolchainPackages.includes(name)).map(([, chain]) => chain.join(' -> ')),
      ...[...files].filter(([path]) => toolchainDirs.some((dir) => path.startsWith(dir))).map(([, chain]) => chain.join(' -> ')),
    ];
    expect(bad).toEqual([]);
    // The client has no run-time dependency at all (node: built-ins only), so it installs with none.
    expect([...packages.keys()]).toEqual([]);
    // The walk really went through the stack (sanity: it is not vacuously empty).
    expect(files.has('src/client.ts')).toBe(true);
    expect([...files.keys()].filter((path) => path.startsWith('runtime/')).length).toBeGreaterThan(20);
    expect(files.has('generated/handlers/index.ts')).toBe(true);
  });

  it('the only package the client may load is sharp, by import() in one module, for automatic icons', () => {
    const { packages, lazyPackages } = moduleGraph(clientEntries);
    expect([...packages.keys()]).toEqual([]);
    expect([...lazyPackages.keys()]).toEqual([...lazyPeers.keys()]);
    for (const [name, chain] of lazyPackages) expect(chain.at(-2), name).toBe(lazyPeers.get(name));
  });

  it('the walk does find the toolchain behind the spec and generate commands', () => {
    for (const command of ['spec', 'generate']) {
      const { packages, lazyPackages } = moduleGraph([`src/cli/commands/${command}.ts`]);
      expect([...packages.keys(), ...lazyPackages.keys()].some((name) => toolchainPackages.includes(name)), command).toBe(true);
    }
  });

  it('trace loads the generator trace modules (shipped) but no toolchain package, so it runs in a client install', () => {
    const { files, packages, lazyPackages } = moduleGraph(['src/cli/commands/trace.ts']);
    expect([...files.keys()].some((path) => path.startsWith('generator/trace/'))).toBe(true);
    expect([...packages.keys(), ...lazyPackages.keys()].filter((name) => toolchainPackages.includes(name))).toEqual([]);
  });

  it('every toolchain package is an optional peer and a devDependency, never a dependency', () => {
    const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    expect(manifest['dependencies']).toBeUndefined();
    for (const name of toolchainPackages) {
      expect(manifest['peerDependencies']?.[name], name).toBe(manifest['devDependencies']?.[name]);
      expect(manifest['peerDependenciesMeta']?.[name], name).toEqual({ optional: true });
    }
    // sharp: an optional peer with a range, pinned as a devDependency so CI tests the thumbnails.
    for (const name of lazyPeers.keys()) {
      expect(manifest['peerDependenciesMeta']?.[name], name).toEqual({ optional: true });
      expect(typeof manifest['peerDependencies']?.[name], name).toBe('string');
      expect(typeof manifest['devDependencies']?.[name], name).toBe('string');
    }
  });
});
