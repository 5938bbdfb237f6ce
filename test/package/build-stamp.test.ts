// The build stamp lets the package test pack dist/ as `npm run build` left it; it must call dist/ fresh
// only when nothing the build reads and nothing it wrote has changed since, permission bits included.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildState, sourcesDigest, stampContent, stampName } from '../../scripts/build-stamp.js';

const repoRoot = resolve(import.meta.dirname, '../..');
let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** What the build does last: stamp the dist/ it wrote with the digest of what it read. */
function stamp(): void {
  writeFileSync(join(root, 'dist', stampName), stampContent(root, sourcesDigest(root)));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cpm-ft-build-stamp-'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.js', 'scripts/build-stamp.js', 'src/index.ts', 'templates/a.hbs', 'test/interop/kamailio/k.cfg']) write(file, `${JSON.stringify({ file })}\n`);
  write('test/unit/not-built.test.ts', 'a test\n');
  write('dist/src/index.js', 'compiled\n');
  write('dist/src/cli/bin.js', '#!/usr/bin/env node\n');
  chmodSync(join(root, 'dist/src/cli/bin.js'), 0o755);
  stamp();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the build stamp', () => {
  it('says fresh right after the build, and a file outside what the build reads changes nothing', () => {
    expect(buildState(root)).toBe('fresh');
    write('test/unit/not-built.test.ts', 'another test\n');
    write('README.md', 'docs\n');
    expect(buildState(root)).toBe('fresh');
  });

  it.each(['src/index.ts', 'templates/a.hbs', 'test/interop/kamailio/k.cfg', 'tsconfig.build.json', 'package.json', 'scripts/build.js'])('is stale once %s changes', (file) => {
    write(file, `${JSON.stringify({ file, edited: true })}\n`);
    expect(buildState(root)).toBe('the sources changed since the build');
  });

  it('is stale once a source is added', () => {
    write('runtime/new.ts', 'export {};\n');
    expect(buildState(root)).toBe('the sources changed since the build');
  });

  it('is stale once dist/ changes: a file edited, added or removed, or the bin no longer executable', () => {
    write('dist/src/index.js', 'hand-edited\n');
    expect(buildState(root)).toBe('dist/ changed since the build');
    write('dist/src/index.js', 'compiled\n');
    expect(buildState(root)).toBe('fresh');
    write('dist/src/extra.js', 'stray\n');
    expect(buildState(root)).toBe('dist/ changed since the build');
    unlinkSync(join(root, 'dist/src/extra.js'));
    chmodSync(join(root, 'dist/src/cli/bin.js'), 0o644);
    expect(buildState(root)).toBe('dist/ changed since the build');
  });

  it('names a dist/ with no stamp, and no dist/ at all', () => {
    unlinkSync(join(root, 'dist', stampName));
    expect(buildState(root)).toBe('dist/ has no build stamp');
    rmSync(join(root, 'dist'), { recursive: true });
    expect(buildState(root)).toBe('no dist/');
  });
});
