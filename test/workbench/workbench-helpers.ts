// Shared by the workbench tests: the spec fixture copied to a scratch root, the seed CR text, and
// the spec / trace commands run in-process with captured output.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/main.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fixtureSpec = join(repoRoot, 'test/fixtures/workbench-spec');
/**
 * The seed CR text. A clone has shared/ beside it (CI, the main checkout); a linked git worktree
 * finds it beside the main checkout its repository belongs to.
 */
function findSeedText(): string {
  const relative = 'shared/seed/cpm-cr-file-transfer-release.txt';
  const candidates = [join(repoRoot, '..', relative)];
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    candidates.push(join(dirname(dirname(common)), relative));
  } catch {
    // Not a git checkout: only the sibling folder can hold it.
  }
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`the seed CR text is not at ${candidates.join(' or ')}`);
  return found;
}
export const seedText = findSeedText();

/** A scratch repository root holding a copy of the fixture spec; `remove` deletes it. */
export function scratchSpec(prefix: string): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), `cpm-ft-${prefix}-`));
  cpSync(join(fixtureSpec, 'spec'), join(root, 'spec'), { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliOutcome { code: number; stdout: string; stderr: string }

export async function runCommand(run: (args: string[], io: CliIo) => Promise<number>, args: string[], cwd: string): Promise<CliOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await run(args, { stdout, stderr, cwd, env: {} });
  stdout.end();
  stderr.end();
  return { code, stdout: out.join(''), stderr: err.join('') };
}
