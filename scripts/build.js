// `npm run build` (also run by `prepare`, so `npm ci` and `npm pack` build): compiles the TypeScript
// sources to dist/ with tsconfig.build.json, then copies the files tsc does not emit but the built
// toolchain reads at run time next to itself (templates/*.hbs, grammar/rules.peggy and the committed
// peggy parser with its .d.ts, generator/ir/schema.json). dist/ is emptied first, so a source that was
// deleted or renamed leaves nothing stale behind. Last it writes dist/build-stamp.json (see
// build-stamp.js), which lets a consumer pack this build without building it again. Everything goes
// to stderr, so `npm pack --json` (which runs this through `prepare`) still prints only JSON on stdout.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcesDigest, stampContent, stampName } from './build-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const assetDirs = ['generator', 'grammar', 'templates', 'runtime', 'src'];
// The bench (run from dist/ by `npm run bench`) starts kamailio with the interop configs (which
// test/helpers/kamailio.ts looks for next to itself) and, in its deployment stage, with the edge's
// config in deploy/kamailio.
const benchAssetDirs = ['test/interop/kamailio', 'deploy/kamailio'];

/** tsc emits .js/.d.ts/.map for every .ts source; everything else (including a hand-written .d.ts) is copied. */
const isAsset = (name) => !name.endsWith('.ts') || name.endsWith('.d.ts');

function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (isAsset(entry.name)) cpSync(path, join(dist, relative(root, path)));
  }
}

// Taken before anything is compiled: a source edited during the build leaves the stamp stale.
const sources = sourcesDigest(root);
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
} catch {
  rmSync(dist, { recursive: true, force: true });
  process.stderr.write('build: tsc failed (errors above); dist/ removed\n');
  process.exit(1);
}
for (const dir of [...assetDirs, ...benchAssetDirs]) copyAssets(join(root, dir));
// tsc writes files 0644. npm makes a bin executable only when it links it (install, or npx's first
// run in a clone); a rebuild after that would leave `npx cpm-ft` failing with "Permission denied".
chmodSync(join(dist, 'src/cli/bin.js'), 0o755);

// The library entry points ('.', './runtime', './runtime/testing') are also bundled, with the modules
// they share in common chunks: a process that imports the client then loads a handful of files instead
// of ~140 ES modules, each of which costs node memory of its own (idle client RSS ~60 -> ~49 MB), and
// every entry still gets the one copy of each class (CpmError from '.' is CpmError from './runtime').
// npm packages stay external (sharp is imported on use). The CLI and the toolchain, which read files
// next to their modules, run unbundled from dist/.
const { build } = await import('esbuild');
await build({
  entryPoints: ['src/index.js', 'runtime/index.js', 'runtime/testing/conformance/index.js'].map((entry) => join(dist, entry)),
  outbase: dist,
  outdir: join(dist, 'bundle'),
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
writeFileSync(join(dist, stampName), stampContent(root, sources));
process.stderr.write(`build: wrote ${relative(process.cwd(), dist) || '.'}/\n`);
