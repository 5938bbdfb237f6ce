// `cpm-ft --version` / `-V` print package.json's version, looked up from the module's own location
// (src/cli/ in a clone, dist/src/cli/ in an installed package: a different depth each time).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readPackageInfo } from '../../src/cli/package-info.ts';
import { memoryIo } from '../cli/helpers/memory-io.ts';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; peerDependencies: Record<string, string> };
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cpm-ft --version', () => {
  it.each(['--version', '-V'])('%s prints the version of package.json and exits 0', async (flag) => {
    const io = memoryIo(process.cwd());
    expect(await main([flag], io)).toBe(0);
    expect(io.stdout.text).toBe(`${manifest.version}\n`);
    expect(io.stderr.text).toBe('');
  });

  it('finds the nearest cpm-ft package.json at any depth and skips other packages on the way', () => {
    const root = mkdtempSync(join(tmpdir(), 'cpm-ft-version-'));
    scratch.push(root);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'cpm-ft', version: '9.8.7', peerDependencies: { peggy: '5.1.0' } }));
    mkdirSync(join(root, 'dist/src/cli'), { recursive: true });
    writeFileSync(join(root, 'dist/package.json'), JSON.stringify({ name: 'something-else', version: '1.0.0' }));
    const info = readPackageInfo(pathToFileURL(join(root, 'dist/src/cli/main.js')).href);
    expect(info).toEqual({ version: '9.8.7', peerDependencies: { peggy: '5.1.0' } });
  });

  it('names the missing file when no cpm-ft package.json is above the module', () => {
    const root = mkdtempSync(join(tmpdir(), 'cpm-ft-version-'));
    scratch.push(root);
    expect(() => readPackageInfo(pathToFileURL(join(root, 'main.js')).href)).toThrow(/no package\.json of cpm-ft above/);
  });

  it('reads the toolchain peers the spec commands name when they are missing', () => {
    expect(readPackageInfo().peerDependencies).toEqual(manifest.peerDependencies);
    // sharp is the optional peer of automatic icons, not of the toolchain (main.ts leaves it out).
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['ajv', 'handlebars', 'peggy', 'sharp', 'ts-morph', 'vscode-languageserver', 'vscode-languageserver-textdocument']);
  });
});
