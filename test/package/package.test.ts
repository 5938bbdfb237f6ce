// The package as a user gets it: the tarball `npm pack` makes of the clone's build (never a stale one:
// see beforeAll), installed offline into a fresh project in a temp dir (the client has no run-time
// dependency, so no registry is needed), then what a user does with it: the bin with
// plain node, the README's Library example as a plain ESM script, a strict TypeScript project against
// the shipped .d.ts (NodeNext and Bundler), and the tarball's file list. npm runs with its own cache
// and an empty user config inside the temp dir, so nothing global is read or written.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeScriptProject, type TypeScriptProblem } from './typescript-project.ts';
import { buildState } from '../../scripts/build-stamp.js';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file args` in `cwd`; resolves with the exit code and output (never rejects on exit code). */
function run(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

const describeRun = (what: string, result: Run): string => `${what} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;

/** The README's Library section's first js block, exactly as written there. */
function readmeLibraryExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Library\n'));
  const block = section === undefined ? undefined : /^```js\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```js block in its Library section');
  return block;
}

let work: string;
let project: string;
let npmEnv: NodeJS.ProcessEnv;
let tarballFiles: string[];
let cloneNpxEnv: NodeJS.ProcessEnv;
let binModeAfterBuild: string;
/** `npx cpm-ft --version` in the clone after the last build of dist/, when beforeAll already ran it then. */
let cloneVersionAfterBuild: Run | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cpm-ft-package-'));
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(work, 'npmrc'), '');
  // The npm_* variables of an enclosing `npm test` would leak its settings into these npm runs.
  npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  Object.assign(npmEnv, {
    npm_config_cache: join(work, 'npm-cache'), npm_config_userconfig: join(work, 'npmrc'),
    npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false',
  });

  // `npm ci` (prepare) has normally just built dist/, and its stamp says whether that build is of the
  // sources as they are now and untouched since; then it is packed as it is (`--ignore-scripts` skips
  // prepare's second, identical build). Otherwise it is rebuilt here first with `npm run build`, the
  // script prepare runs, so the tarball is never a stale build either way.
  const bin = join(root, 'dist/src/cli/bin.js');
  const state = buildState(root);
  // A fresh stamp covers the bin's mode as the build left it, before npx below may set it when linking.
  if (state === 'fresh') binModeAfterBuild = (statSync(bin).mode & 0o777).toString(8);
  // npx in the clone links the clone's bin once, in its cache; make that link before any rebuild, as a
  // user who ran `npx cpm-ft` and then rebuilt has.
  // Without ignore-scripts, npx with an empty cache installs the clone as a directory dependency and
  // so runs its prepare script: a second `npm run build` (~17 s of CPU), which empties dist/ while
  // other test files run the built CLI (test/helpers/cli-entry.ts). The bin it links is the same.
  cloneNpxEnv = { ...npmEnv, npm_config_cache: join(work, 'clone-npx-cache'), npm_config_ignore_scripts: 'true' };
  if (existsSync(bin)) {
    const linked = await run('npx', ['--no-install', 'cpm-ft', '--version'], root, cloneNpxEnv, 300_000);
    if (linked.code !== 0) throw new Error(describeRun('npx cpm-ft --version in the clone, before the build', linked));
    // With a fresh stamp nothing is rebuilt below, so this run already is npx after the last build
    // (npx in the clone loads the whole dependency tree: several seconds of CPU each time).
    if (state === 'fresh') cloneVersionAfterBuild = linked;
  }
  if (state !== 'fresh') {
    const built = await run('npm', ['run', 'build'], root, npmEnv, 420_000);
    if (built.code !== 0) throw new Error(describeRun(`npm run build (${state})`, built));
    const after = buildState(root);
    if (after !== 'fresh') throw new Error(`npm run build left dist/ without a matching stamp: ${after}`);
    binModeAfterBuild = (statSync(bin).mode & 0o777).toString(8);
  }
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root, npmEnv, 420_000);
  if (packed.code !== 0) throw new Error(describeRun('npm pack', packed));
  const [entry] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (entry === undefined) throw new Error(`npm pack printed no entry: ${packed.stdout}`);
  tarballFiles = entry.files.map((file) => file.path);

  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }));
  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, entry.filename)], project, npmEnv);
  if (installed.code !== 0) throw new Error(describeRun('npm install of the tarball', installed));
}, 600_000); // a stale dist/ is rebuilt (tsc, esbuild): minutes on a loaded 2-core machine

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('(d) the tarball holds the built package and no tests, CI, bench, scripts or TypeScript sources', () => {
    expect(tarballFiles.length).toBeGreaterThan(100);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/src/index.js', 'dist/bundle/src/index.js', 'dist/bundle/runtime/index.js', 'dist/src/index.d.ts', 'dist/src/index.js.map', 'dist/src/cli/bin.js', 'dist/runtime/index.js', 'dist/runtime/testing/conformance/index.d.ts', 'dist/grammar/rules-parser.js', 'dist/grammar/rules-parser.d.ts', 'dist/templates/conformance.test.ts.hbs']) {
      expect(tarballFiles, needed).toContain(needed);
    }
    const unwanted = tarballFiles.filter((path) =>
      /^(test|bench|scripts|bin|spec|\.ci|\.cache|node_modules|dist\/bench)\//.test(path) || /\.test\.(ts|js)$/.test(path) || /(^|\/)tsconfig/.test(path)
      || (path.endsWith('.ts') && !path.endsWith('.d.ts')));
    expect(unwanted).toEqual([]);
  });

  it("'cpm-ft' and 'cpm-ft/runtime' resolve to the bundled entries, which share one copy of the runtime's classes", async () => {
    const dir = join(project, 'bundle-entries');
    mkdirSync(dir);
    writeFileSync(join(dir, 'probe.mjs'), `
const root = import.meta.resolve('cpm-ft');
const runtime = await import('cpm-ft/runtime');
const testing = await import('cpm-ft/runtime/testing');
const { createClient } = await import('cpm-ft');
const client = await createClient({ localUri: 'sip:probe@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
await client.close();
console.log(JSON.stringify({ root, runtime: import.meta.resolve('cpm-ft/runtime'), shared: Object.keys(testing).length > 0 && typeof runtime.CpmError === 'function' }));
`);
    const result = await run(process.execPath, ['probe.mjs'], dir, npmEnv, 30_000);
    expect(result.code, describeRun('node probe.mjs', result)).toBe(0);
    const probe = JSON.parse(result.stdout) as { root: string; runtime: string; shared: boolean };
    expect(probe.root).toMatch(/node_modules\/cpm-ft\/dist\/bundle\/src\/index\.js$/);
    expect(probe.runtime).toMatch(/node_modules\/cpm-ft\/dist\/bundle\/runtime\/index\.js$/);
    expect(probe.shared).toBe(true);
  });

  it('installs with no dependency: neither the toolchain (optional peers) nor tsx comes along', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['cpm-ft']);
  });

  it('in the clone, the build leaves the bin executable and npx cpm-ft still runs it', async () => {
    expect(binModeAfterBuild).toBe('755');
    expect((statSync(join(root, 'dist/src/cli/bin.js')).mode & 0o777).toString(8)).toBe('755');
    const version = cloneVersionAfterBuild ?? await run('npx', ['--no-install', 'cpm-ft', '--version'], root, cloneNpxEnv);
    expect(version, describeRun('npx cpm-ft --version in the clone', version)).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('(a) npx cpm-ft --version and npx cpm-ft demo run the built CLI with plain node', async () => {
    const version = await run('npx', ['--no-install', 'cpm-ft', '--version'], project, npmEnv);
    expect(version, describeRun('cpm-ft --version', version)).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
    const short = await run('npx', ['--no-install', 'cpm-ft', '-V'], project, npmEnv);
    expect(short.stdout).toBe(`${manifest.version}\n`);

    const demo = await run('npx', ['--no-install', 'cpm-ft', 'demo'], project, npmEnv);
    expect(demo.code, describeRun('cpm-ft demo', demo)).toBe(0);
    const sender = /sender sha-1 ([0-9A-F:]{59})/.exec(demo.stdout)?.[1];
    expect(sender).toBeDefined();
    expect(demo.stdout).toContain(`receiver sha-1 ${sender}`);
    expect(demo.stdout).toContain('identical: yes');
  });

  it('(a) without the optional toolchain, spec and generate say in one line what to npm install', async () => {
    for (const [command, option] of [['spec', 'check'], ['generate', '--check']] as const) {
      const result = await run('npx', ['--no-install', 'cpm-ft', command, option], project, npmEnv);
      expect(result.code, describeRun(`cpm-ft ${command}`, result)).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^cpm-ft ${command}: needs the spec toolchain, which is not installed; run: npm install --save-dev (ajv|handlebars|peggy|ts-morph)@\\S+ .*ts-morph@\\S+(?: vscode-languageserver\\S*@\\S+)*\\n$`));
      expect(result.stderr, 'sharp is not a toolchain package').not.toMatch(/sharp/);
    }
  });

  it("(b) the README's Library example runs as written with plain node and delivers an identical file", async () => {
    const dir = join(project, 'library-example');
    mkdirSync(dir);
    writeFileSync(join(dir, 'use.mjs'), readmeLibraryExample());
    const result = await run(process.execPath, ['use.mjs'], dir, npmEnv, 30_000);
    expect(result.code, describeRun('node use.mjs', result)).toBe(0);
    expect(result.stdout).toMatch(/^bob got .*inbox\/report\.txt [0-9A-F:]{59} identical$/m);
    expect(readFileSync(join(dir, 'inbox/report.txt'))).toEqual(readFileSync(join(dir, 'report.txt')));
  });

  it('(e) without sharp (an optional peer, not installed), an image goes without an icon and one note says why', async () => {
    const dir = join(project, 'no-sharp');
    mkdirSync(dir);
    writeFileSync(join(dir, 'use.mjs'), `
import { writeFileSync, mkdirSync } from 'node:fs';
import { createClient } from 'cpm-ft';
mkdirSync('inbox');
writeFileSync('dot.png', Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
const notes = [];
const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' } });
let icons = 0;
bob.on('icon', () => icons++);
bob.receive({ dir: 'inbox' });
const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, onNotice: (e) => notes.push(e) });
const to = { kind: 'one-recipient', uri: 'sip:bob@127.0.0.1:' + bob.sipAddress.port + ';transport=tcp' };
const summary = await alice.send(to, ['dot.png', 'dot.png']).done;
await alice.close(); await bob.close();
console.log(JSON.stringify({ ok: summary.ok, icons, notes: notes.map((n) => n.event + ': ' + (n.message ?? '')) }));
`);
    const result = await run(process.execPath, ['use.mjs'], dir, npmEnv, 30_000);
    expect(result.code, describeRun('node use.mjs', result)).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ ok: true, icons: 0, notes: ['auto-icon-unavailable: no automatic file icons: sharp is not installed (npm install sharp)'] });
    expect(readFileSync(join(dir, 'inbox/dot.png')).equals(readFileSync(join(dir, 'dot.png')))).toBe(true);
  });

  // The two compilations share nothing but the installed package, so they run side by side.
  describe.concurrent('(c) a strict TypeScript project against the shipped types', () => {
    const compile = async (resolution: 'NodeNext' | 'Bundler'): Promise<TypeScriptProblem[]> => {
      const dir = join(project, `types-${resolution.toLowerCase()}`);
      mkdirSync(dir);
      // @types/node from the repository's own install, linked in the way an install places it.
      mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
      symlinkSync(join(root, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'), 'dir');
      if (existsSync(join(root, 'node_modules/undici-types'))) symlinkSync(join(root, 'node_modules/undici-types'), join(dir, 'node_modules/undici-types'), 'dir');
      return typeScriptProject({ dir, resolution, typescript: join(root, 'node_modules/typescript/bin/tsc'), run: (args) => run(process.execPath, args, dir, npmEnv) });
    };

    it.each(['NodeNext', 'Bundler'] as const)('moduleResolution %s: the good use compiles clean, the misuse fails with the expected codes only', async (resolution) => {
      const problems = await compile(resolution);
      expect(problems.filter((p) => p.file !== 'misuse.ts')).toEqual([]);
      expect(problems.map((p) => `${p.file}:${p.line} ${p.code}`)).toEqual(['misuse.ts:6 TS2322', 'misuse.ts:8 TS2379']);
    }, 180_000); // a full tsc of the project and the shipped .d.ts
  });
});
