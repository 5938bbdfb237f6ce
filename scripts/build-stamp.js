// What `npm run build` records about the dist/ it wrote, so that a consumer (the package test) can tell
// whether dist/ is exactly that build of the current sources and pack it as it is, instead of building
// the same tree a second time. The stamp holds two digests:
// - sources: every file the build reads (the directories tsc compiles and the asset copy walks,
//   the tsconfigs, package.json, the build scripts) and the versions of tsc and esbuild;
// - dist: every file the build left in dist/, with its permission bits (the bin must stay 0755).
// A stamp whose two digests match the tree now proves dist/ is unchanged since a build of these sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';

export const stampName = 'build-stamp.json';

/** Directories the build reads: tsconfig.build.json's include plus the asset directories the build copies. */
const sourceDirs = ['src', 'runtime', 'generated', 'generator', 'grammar', 'templates', 'bench', 'deploy', 'test/interop/kamailio'];
const sourceFiles = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.js', 'scripts/build-stamp.js'];

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/** One digest over the paths (relative to `base`), permission bits and contents of `files`. */
function digest(base, files, extra = []) {
  const hash = createHash('sha256');
  for (const line of extra) hash.update(`${line}\0`);
  for (const path of [...files].sort()) {
    const name = relative(base, path).split(sep).join('/');
    hash.update(`${name}\0${(statSync(path).mode & 0o777).toString(8)}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function toolVersion(root, name) {
  const manifest = createRequire(resolve(root, 'package.json')).resolve(`${name}/package.json`);
  return `${name}@${JSON.parse(readFileSync(manifest, 'utf8')).version}`;
}

export function sourcesDigest(root) {
  const files = [...sourceDirs.flatMap((dir) => filesUnder(join(root, dir))), ...sourceFiles.map((file) => join(root, file))];
  return digest(root, files, [toolVersion(root, 'typescript'), toolVersion(root, 'esbuild')]);
}

export function distDigest(root) {
  const dist = join(root, 'dist');
  return digest(dist, filesUnder(dist).filter((path) => path !== join(dist, stampName)));
}

/** The stamp `npm run build` writes last, once dist/ is complete. */
export function stampContent(root, sources) {
  return `${JSON.stringify({ sources, dist: distDigest(root) }, null, 2)}\n`;
}

/**
 * Whether dist/ is the output of `npm run build` on the sources as they are now: 'fresh', or why not
 * (no build, no stamp, sources changed since, dist/ changed since).
 */
export function buildState(root) {
  const path = join(root, 'dist', stampName);
  if (!existsSync(path)) return existsSync(join(root, 'dist')) ? 'dist/ has no build stamp' : 'no dist/';
  const stamp = JSON.parse(readFileSync(path, 'utf8'));
  if (stamp.sources !== sourcesDigest(root)) return 'the sources changed since the build';
  if (stamp.dist !== distDigest(root)) return 'dist/ changed since the build';
  return 'fresh';
}
