// What the CLI knows about its own package (version, the toolchain's optional peer dependencies),
// read at run time from the package.json above this module. The file sits at src/cli/ in a clone and
// at dist/src/cli/ in an installed package, so the lookup walks up instead of assuming a depth.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  readonly version: string;
  /** Package name -> version range of the optional peers (the spec/generate/trace toolchain). */
  readonly peerDependencies: Readonly<Record<string, string>>;
}

const packageName = 'cpm-ft';

function readManifest(path: string): Record<string, unknown> | undefined {
  try {
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');

/** The nearest package.json named cpm-ft above `fromUrl`; throws when there is none (a broken install). */
export function readPackageInfo(fromUrl: string = import.meta.url): PackageInfo {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.['name'] === packageName && typeof manifest['version'] === 'string') {
      const peers = manifest['peerDependencies'];
      return { version: manifest['version'], peerDependencies: isStringRecord(peers) ? peers : {} };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${packageName} above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}
