// The layer rules of DEVELOPERS.md / STYLE.md, checked on every import in the tree:
// runtime/ imports only runtime/ and node:*; generated/ imports only the runtime's public API
// (conformance tests also runtime/testing) and its own files; the toolchain never imports src/
// nor runtime internals; nothing below src/ imports src/. A violation names file, line and import.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
    }
  };
  walk(join(root, dir));
  return out;
}

interface Import {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  /** Repository-relative target for relative imports, the bare specifier otherwise. */
  readonly target: string;
}

const importPattern = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? '';
    const line = text.slice(0, match.index).split('\n').length;
    const target = specifier.startsWith('.') ? relative(root, resolve(dirname(file), specifier)) : specifier;
    found.push({ file: relative(root, file), line, specifier, target });
  }
  return found;
}

function violations(dir: string, allowed: (imp: Import) => boolean): string[] {
  return sourceFiles(dir)
    .flatMap(importsOf)
    .filter((imp) => !allowed(imp))
    .map((imp) => `${imp.file}:${imp.line} imports ${imp.specifier}`);
}

const isNode = (imp: Import): boolean => imp.target.startsWith('node:');
const under = (imp: Import, dir: string): boolean => imp.target === dir || imp.target.startsWith(`${dir}/`);

describe('layering', () => {
  it('runtime/ imports only runtime/ and node:* modules', () => {
    expect(violations('runtime', (imp) => isNode(imp) || under(imp, 'runtime'))).toEqual([]);
  });

  it('generated/ imports only the runtime public API (and runtime/testing for conformance tests), itself and vitest', () => {
    expect(
      violations('generated', (imp) =>
        imp.target === 'runtime/index.ts' ||
        under(imp, 'generated') ||
        imp.target === 'vitest' ||
        (imp.file.startsWith('generated/conformance/') && under(imp, 'runtime/testing')),
      ),
    ).toEqual([]);
  });

  it('the toolchain (generator/, grammar/) reaches the runtime only through its public API and never imports src/', () => {
    const toolchain = (imp: Import): boolean =>
      !under(imp, 'src') && !under(imp, 'generated') && (!under(imp, 'runtime') || imp.target === 'runtime/index.ts');
    expect([...violations('generator', toolchain), ...violations('grammar', toolchain)]).toEqual([]);
  });

  it('only the CLI spec commands import the toolchain from src/', () => {
    const toolchainCommands = ['src/cli/commands/spec.ts', 'src/cli/commands/generate.ts', 'src/cli/commands/trace.ts', 'src/cli/commands/bench.ts'];
    expect(
      violations('src', (imp) => !(under(imp, 'generator') || under(imp, 'grammar')) || toolchainCommands.includes(imp.file)),
    ).toEqual([]);
  });
});
