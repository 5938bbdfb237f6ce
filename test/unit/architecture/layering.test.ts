// The layer rules of DEVELOPERS.md / STYLE.md, checked on every import in the tree:
// runtime/ imports only runtime/ and node:*; generated/ imports only the runtime's public API
// (conformance tests also runtime/testing) and its own files; src/ likewise reaches the runtime only
// through runtime/index.ts; the toolchain never imports src/ nor runtime internals; nothing below
// src/ imports src/. A violation names file, line and import.
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

// `import x from '…'`, `export … from '…'`, `import('…')` and side-effect `import '…'`.
const importPattern = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\s)import\s+['"]([^'"]+)['"]/g;

/** Blanks out comments (keeping every offset) so a commented-out import is not counted. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])(\/\/[^\n]*)/g, (_m, before: string, c: string) => before + ' '.repeat(c.length));
}

function importsIn(text: string, file: string): Import[] {
  const found: Import[] = [];
  for (const match of withoutComments(text).matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    const start = (match.index ?? 0) + match[0].length - match[0].trimStart().length;
    const line = text.slice(0, start).split('\n').length;
    const target = specifier.startsWith('.') ? relative(root, resolve(dirname(file), specifier)) : specifier;
    found.push({ file: relative(root, file), line, specifier, target });
  }
  return found;
}

const importsOf = (file: string): Import[] => importsIn(readFileSync(file, 'utf8'), file);

function violations(dir: string, allowed: (imp: Import) => boolean): string[] {
  return sourceFiles(dir)
    .flatMap(importsOf)
    .filter((imp) => !allowed(imp))
    .map((imp) => `${imp.file}:${imp.line} imports ${imp.specifier}`);
}

const isNode = (imp: Import): boolean => imp.target.startsWith('node:');
const under = (imp: Import, dir: string): boolean => imp.target === dir || imp.target.startsWith(`${dir}/`);

describe('the import scanner', () => {
  it('finds every import form and ignores commented-out ones', () => {
    const file = join(root, 'runtime/sample.ts');
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../src/b.ts';",
      "export * from './c.ts';",
      "import '../generated/side-effect.ts';",
      "const d = await import('../generator/d.ts');",
      "// import { e } from '../src/e.ts';",
      "/* import f from '../src/f.ts' */",
    ].join('\n');
    expect(importsIn(text, file).map((imp) => `${imp.line} ${imp.target}`)).toEqual([
      '1 runtime/a.ts',
      '2 src/b.ts',
      '3 runtime/c.ts',
      '4 generated/side-effect.ts',
      '5 generator/d.ts',
    ]);
  });
});

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

  // One exception: the mutation hook (a vitest setup file only `cpm-ft spec mutants` passes to its test
  // runs) replaces two runtime internals, the executor table and the procedure runner, by name.
  const mutationHook = { file: 'generator/mutants/mutation-setup.ts', targets: ['runtime/transfer/action-executors.ts', 'runtime/transfer/procedure-runner.ts'] };

  it('the toolchain (generator/, grammar/) reaches the runtime only through its public API and never imports src/', () => {
    const toolchain = (imp: Import): boolean =>
      (imp.file === mutationHook.file && mutationHook.targets.includes(imp.target)) ||
      (!under(imp, 'src') && !under(imp, 'generated') && (!under(imp, 'runtime') || imp.target === 'runtime/index.ts'));
    expect([...violations('generator', toolchain), ...violations('grammar', toolchain)]).toEqual([]);
  });

  // The facade, the focus and the CLI are clients of the runtime like generated code: internals stay
  // free to move. runtime/testing is for test code only, which lives outside src/.
  it('src/ reaches the runtime only through its public API', () => {
    expect(violations('src', (imp) => !under(imp, 'runtime') || imp.target === 'runtime/index.ts')).toEqual([]);
  });

  it('only the CLI spec commands import the toolchain from src/', () => {
    const toolchainCommands = ['src/cli/commands/spec.ts', 'src/cli/commands/generate.ts', 'src/cli/commands/trace.ts', 'src/cli/commands/bench.ts',
      // The workbench subcommands (spec fmt / coverage, trace details), imported lazily by spec.ts and trace.ts.
      'src/cli/commands/spec-fmt.ts', 'src/cli/commands/spec-coverage.ts', 'src/cli/commands/trace-details.ts', 'src/cli/commands/spec-diff-revisions.ts',
      'src/cli/commands/spec-mutants.ts'];
    expect(
      violations('src', (imp) => !(under(imp, 'generator') || under(imp, 'grammar')) || toolchainCommands.includes(imp.file)),
    ).toEqual([]);
  });
});
