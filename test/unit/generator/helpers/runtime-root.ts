// A throwaway repository root whose runtime/index.ts re-exports this repository's runtime plus the
// SDP codecs, so generated SDP modules can be type-checked even before runtime/index.ts exports them.
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export function makeRuntimeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'cpm-ft-root-'));
  copyFileSync(join(repoRoot, 'tsconfig.json'), join(root, 'tsconfig.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, 'runtime'));
  const reexport = (path: string): string => `export * from ${JSON.stringify(join(repoRoot, path))};\n`;
  writeFileSync(join(root, 'runtime/index.ts'), reexport('runtime/index.ts') + reexport('runtime/sdp/file-attribute-codecs.ts'));
  return root;
}
