// Every option a command's --help shows is documented: the transfer commands in docs/cli.md, deploy
// and bench in their own pages. A flag added to a parser's usage text without a line in the docs
// fails here, naming the command and the flag.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from './helpers/memory-io.ts';

const root = join(import.meta.dirname, '..', '..');
const documentedIn: Record<string, string> = {
  send: 'docs/cli.md', receive: 'docs/cli.md', pull: 'docs/cli.md', serve: 'docs/cli.md', demo: 'docs/cli.md', focus: 'docs/cli.md',
  deploy: 'docs/deployment.md', bench: 'docs/benchmarks.md',
};

/** The `--flag` names a help text shows (`--help` itself needs no documenting). */
function flagsOf(help: string): string[] {
  return [...new Set(help.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [])].filter((flag) => flag !== '--help').sort();
}

/** Flags in `flags` that `doc` never mentions as a whole word. */
function undocumented(flags: readonly string[], doc: string): string[] {
  return flags.filter((flag) => !new RegExp(`(?<![\\w-])${flag}(?![\\w-])`).test(doc));
}

describe('docs list every flag --help shows', () => {
  for (const [command, page] of Object.entries(documentedIn)) {
    it(`${command} --help against ${page}`, async () => {
      const io = memoryIo(root);
      expect(await main([command, '--help'], io)).toBe(0);
      const flags = flagsOf(io.stdout.text + io.stderr.text);
      expect(flags.length).toBeGreaterThan(0);
      expect(undocumented(flags, await readFile(join(root, page), 'utf8'))).toEqual([]);
    });
  }

  it('a flag missing from the page is reported, a longer flag does not stand in for it', () => {
    expect(flagsOf('  --max-size BYTES  …\n  --max-sessions N\n  --help')).toEqual(['--max-sessions', '--max-size']);
    expect(undocumented(['--max-size', '--register'], '| `--max-size-x` | … `--register-expires` |')).toEqual(['--max-size', '--register']);
    expect(undocumented(['--max-size'], '| `--max-size BYTES` |')).toEqual([]);
  });
});
