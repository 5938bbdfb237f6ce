// Shared by the workbench tests: the spec fixture copied to a scratch root, the CR text fixture, and
// the spec / trace commands run in-process with captured output.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/main.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fixtureSpec = join(repoRoot, 'test/fixtures/workbench-spec');
/**
 * A CR text written for the tests (same layout and modal verbs as the file-transfer CR, in the
 * project's own words), which the fixture spec's `covers` lines quote.
 */
export const crText = join(repoRoot, 'test/fixtures/cr-text/file-transfer-cr.txt');

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
