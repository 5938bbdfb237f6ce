// The seed spec as a frozen test fixture (test/fixtures/seed-spec/), so hand-written tests keep
// passing when a CR lands in the live spec/. Three ways in:
// - seedSpecInputs / loadSeedSpec: the fixture compiled with the generator, its files named as they
//   were under spec/ (so locations, generated headers and file stems read as the seed's own);
// - seedSpecRoot: a scratch repository root whose spec/ is the fixture, for CLI commands run in a cwd;
// - seedProcedures: the fixture's generated handlers and SDP builders, for tests whose assertions
//   depend on the seed's behaviour (re-INVITE after a batch, BYE, m-line reuse), plus the receiver's
//   handlers from the frozen RFC 5547 answerer rules (test/fixtures/seed-answerer/), so a receiver
//   run with them answers as it did when those rules were frozen. They are generated
//   into .cache/seed-procedures/<hash>/ (hash of fixture + generator + templates + grammar, so an edit
//   to either regenerates them) and imported, exactly as src/procedures.ts wires the committed ones.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSpec, type CompileResult, type SpecInput } from '../../generator/compile-spec.ts';
import { generate } from '../../generator/generate.ts';
import type { SpecIR } from '../../generator/ir/types.ts';
import type { FileTransferProcedures, ProcedureHandlers } from '../../runtime/index.ts';

export const repoRoot = join(import.meta.dirname, '../..');
export const seedSpecDir = join(repoRoot, 'test/fixtures/seed-spec');
/** The frozen receiver rules that seedProcedures() adds to the seed (read as spec/rfc5547-answerer.rules). */
export const seedAnswererFile = join(repoRoot, 'test/fixtures/seed-answerer/rfc5547-answerer.rules');

/** The base files in the order generator/load-spec.ts reads spec/ (the CRs follow, from cr/ORDER). */
const baseFiles = ['documents.rules', 'cpm-conversation.rules', 'file-transfer.rules', 'sdp-attributes.rules'] as const;

/** The example CR frozen with the seed (spec/examples/cr-4a-shall.cr as it was), as `spec/examples/...`. */
export const seedExampleCr = 'spec/examples/cr-4a-shall.cr';

function fixtureText(specPath: string): string {
  return readFileSync(join(seedSpecDir, specPath.replace(/^spec\//, '')), 'utf8');
}

/** The fixture's spec files, in load order, each named by the path it had under spec/. */
export function seedSpecInputs(): SpecInput[] {
  const order = fixtureText('spec/cr/ORDER')
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((name) => `spec/cr/${name}`);
  return [...baseFiles.map((name) => `spec/${name}`), ...order].map((path) => ({ path, text: fixtureText(path) }));
}

/** The frozen example CR as a spec input (see seedExampleCr). */
export function seedExampleCrInput(): SpecInput {
  return { path: seedExampleCr, text: fixtureText(seedExampleCr) };
}

/** Compiles the fixture, with any extra CR inputs applied after its own. */
export function loadSeedSpec(extraCrs: readonly SpecInput[] = []): CompileResult {
  return compileSpec([...seedSpecInputs(), ...extraCrs]);
}

/** The seed's inputs with the frozen answerer rules in their place among the base files (after file-transfer.rules). */
function seedWithAnswererInputs(): SpecInput[] {
  const inputs = seedSpecInputs();
  const at = inputs.findIndex((i) => i.path === 'spec/file-transfer.rules') + 1;
  return [...inputs.slice(0, at), { path: 'spec/rfc5547-answerer.rules', text: readFileSync(seedAnswererFile, 'utf8') }, ...inputs.slice(at)];
}

/** The fixture's IR; throws with the diagnostics if it no longer compiles (the generator changed). */
export function seedIr(extraCrs: readonly SpecInput[] = [], withAnswerer = false): SpecIR {
  const { ir, diagnostics } = withAnswerer ? compileSpec([...seedWithAnswererInputs(), ...extraCrs]) : loadSeedSpec(extraCrs);
  if (ir === null) throw new Error(`the seed spec fixture does not compile:\n${JSON.stringify(diagnostics, null, 2)}`);
  return ir;
}

/**
 * A scratch repository root whose spec/ is a copy of the fixture (plus tsconfig.json, and runtime/
 * and node_modules linked to ours, so `generate` can type-check there). The caller removes it.
 */
export function seedSpecRoot(prefix = 'cpm-ft-seed-root-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  cpSync(seedSpecDir, join(root, 'spec'), { recursive: true, filter: (source) => !source.endsWith('README.md') });
  cpSync(join(repoRoot, 'tsconfig.json'), join(root, 'tsconfig.json'));
  symlinkSync(join(repoRoot, 'runtime'), join(root, 'runtime'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** What the generated seed procedures depend on: the fixture and everything that generates code. */
function seedProceduresKey(): string {
  const hash = createHash('sha256');
  for (const dir of ['test/fixtures/seed-spec', 'test/fixtures/seed-answerer', 'generator', 'templates', 'grammar']) {
    for (const file of filesUnder(join(repoRoot, dir))) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Writes the fixture's generated modules (not its conformance tests) under
 * .cache/seed-procedures/<key>/generated/, with <key>/runtime linked to ours so their
 * `../../runtime/index.ts` imports resolve to the one runtime every test uses. Built in a temporary
 * sibling and renamed into place, so parallel test workers never see a half-written tree.
 */
function ensureSeedProcedures(): string {
  const cache = join(repoRoot, '.cache/seed-procedures');
  const dir = join(cache, seedProceduresKey());
  if (existsSync(join(dir, 'complete'))) return dir;
  mkdirSync(cache, { recursive: true });
  const building = mkdtempSync(join(cache, 'building-'));
  try {
    symlinkSync(join(repoRoot, 'runtime'), join(building, 'runtime'), 'dir');
    for (const [path, text] of generate(seedIr([], true))) {
      if (!path.endsWith('.ts') || path.endsWith('.test.ts')) continue;
      mkdirSync(dirname(join(building, path)), { recursive: true });
      writeFileSync(join(building, path), text);
    }
    writeFileSync(join(building, 'complete'), '');
    try {
      renameSync(building, dir);
    } catch (error) {
      // Another worker got there first with the same content.
      if (!existsSync(join(dir, 'complete'))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

let cached: Promise<FileTransferProcedures> | undefined;

/** The seed spec's procedures, generated from the fixture: pass them where src/procedures.ts's would go. */
export function seedProcedures(): Promise<FileTransferProcedures> {
  cached ??= (async () => {
    const dir = ensureSeedProcedures();
    const handlers = (await import(pathToFileURL(join(dir, 'generated/handlers/index.ts')).href)) as { procedureHandlers: ProcedureHandlers };
    const sdp = (await import(pathToFileURL(join(dir, 'generated/sdp/sdp-attributes.ts')).href)) as {
      buildFileAttributes: FileTransferProcedures['fileAttributes']['build'];
      parseFileAttributes: FileTransferProcedures['fileAttributes']['parse'];
    };
    return { handlers: handlers.procedureHandlers, fileAttributes: { build: sdp.buildFileAttributes, parse: sdp.parseFileAttributes } };
  })();
  return cached;
}
