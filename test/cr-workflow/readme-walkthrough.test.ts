// Keeps the README's "Spec editing" walkthrough true: every `$ command` of its console blocks runs, in
// order, in a copy of the repository (a git repository of its own, so `git diff` and `git checkout`
// work), and what it prints (stdout and stderr together) must be the lines shown under it. A line `…`
// in the README stands for any number of lines. The copy has no build: `npx cpm-ft` runs the
// repository's built CLI with the copy as its working folder when dist/ is a fresh build of these
// sources (the copy's sources are the same), else the copy's sources (cli-entry.ts); test/package
// covers the installed bin.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEntry } from '../helpers/cli-entry.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const heading = '## Spec editing';
const notCopied = new Set(['node_modules', '.git', '.cache', 'dist']);

export interface ShownCommand { command: string; output: string[] }

/** The `$ ` commands of the section's ```console blocks with the lines shown under each. */
export function shownCommands(readme: string, sectionHeading: string): ShownCommand[] {
  const start = readme.indexOf(`\n${sectionHeading}\n`);
  if (start < 0) throw new Error(`README.md has no '${sectionHeading}' section`);
  const next = readme.indexOf('\n## ', start + sectionHeading.length + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const commands: ShownCommand[] = [];
  for (const block of section.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ ')) commands.push({ command: line.slice(2), output: [] });
      else if (commands.length === 0) throw new Error(`a console block starts with output: ${line}`);
      else commands.at(-1)!.output.push(line);
    }
  }
  return commands;
}

/** Whether `actual` is `shown` with each `…` line standing for any run of lines (none included). */
export function linesMatch(shown: readonly string[], actual: readonly string[]): boolean {
  const [first, ...rest] = shown;
  if (first === undefined) return actual.length === 0;
  if (first === '…') {
    for (let skip = 0; skip <= actual.length; skip++) if (linesMatch(rest, actual.slice(skip))) return true;
    return false;
  }
  return actual[0] === first && linesMatch(rest, actual.slice(1));
}

let copy: string | undefined;
afterAll(() => { if (copy !== undefined) rmSync(copy, { recursive: true, force: true }); });

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

describe('README: the spec editing walkthrough', () => {
  it('the matcher takes … as any run of lines and nothing else', () => {
    expect(linesMatch(['a', '…', 'd'], ['a', 'b', 'c', 'd'])).toBe(true);
    expect(linesMatch(['a', '…', 'd'], ['a', 'd'])).toBe(true);
    expect(linesMatch(['a', '…'], ['a'])).toBe(true);
    expect(linesMatch(['a', 'd'], ['a', 'b', 'd'])).toBe(false);
    expect(linesMatch(['a'], ['a', 'extra'])).toBe(false);
    expect(linesMatch([], [])).toBe(true);
  });

  it('every command prints what the README shows, in a copy of the repository', () => {
    const commands = shownCommands(readFileSync(join(repoRoot, 'README.md'), 'utf8'), heading);
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.some((c) => c.command.startsWith('npx cpm-ft generate'))).toBe(true);
    copy = mkdtempSync(join(tmpdir(), 'cpm-ft-walkthrough-'));
    cpSync(repoRoot, copy, { recursive: true, filter: (source) => !notCopied.has(relative(repoRoot, source).split(/[\\/]/)[0] ?? '') });
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
    git(copy, 'init', '-q');
    git(copy, 'add', '-A');
    git(copy, 'commit', '-q', '-m', 'copy');
    const entry = cliEntry();
    const cli = entry.kind === 'dist' ? entry.bin : 'bin/cpm-ft.js';
    for (const { command, output } of commands) {
      const script = `exec 2>&1\n${command.replaceAll('npx cpm-ft ', `"${process.execPath}" "${cli}" `)}`;
      const r = spawnSync('sh', ['-c', script], { cwd: copy, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', GIT_PAGER: 'cat' }, timeout: 240_000 });
      const printed = r.stdout.replace(/\n$/, '');
      const lines = printed === '' ? [] : printed.split('\n');
      expect({ command, status: r.status, matches: linesMatch(output, lines) }, `$ ${command}\nprinted:\n${printed}\nREADME shows:\n${output.join('\n')}`)
        .toEqual({ command, status: 0, matches: true });
    }
  }, 600_000);
});
