// A mistyped or unknown option names the command's valid options (and the nearest one), and a
// missing value names its option, instead of node's raw parseArgs text.
import { describe, expect, it } from 'vitest';
import { explainParseError } from '../../src/cli/explain-parse-error.ts';
import { parseDemoArgs } from '../../src/cli/parse-demo-args.ts';
import { parsePullArgs } from '../../src/cli/parse-pull-args.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';
import { runFocus } from '../../src/cli/commands/focus.ts';
import { memoryIo } from './helpers/memory-io.ts';

const errorOf = (result: { ok: boolean; error?: string }): string => (result.ok ? 'accepted' : String(result.error));

describe('unknown options', () => {
  it('send: the typo, the nearest option and every valid one', () => {
    const error = errorOf(parseSendArgs(['--too', 'sip:bob@127.0.0.1', 'a.txt']));
    expect(error).toMatch(/^unknown option --too \(did you mean --to\?\); valid options: .*--chunk-size, --decide, .*--from, .*--to, --transport$/);
    expect(error).not.toMatch(/positional/);
  });

  it('receive: a swapped pair of letters still finds the option', () => {
    expect(errorOf(parseReceiveArgs(['--dri', 'inbox']))).toMatch(/^unknown option --dri \(did you mean --dir\?\); valid options: .*--dir, .*--help, /);
  });

  it('pull and demo: nothing close, so only the list', () => {
    expect(errorOf(parsePullArgs(['--xyzzy']))).toMatch(/^unknown option --xyzzy; valid options: .*--dir, .*--from, /);
    expect(errorOf(parseDemoArgs(['--sise', '3']))).toBe('unknown option --sise (did you mean --size?); valid options: --help, --size, --transport');
  });

  it('a value-taking option without its value', () => {
    expect(errorOf(parseReceiveArgs(['--dir']))).toBe('--dir needs a value');
  });

  it('focus prints the explanation with its usage hint', async () => {
    const io = memoryIo(process.cwd());
    expect(await runFocus(['--grups', 'g.json'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/unknown option --grups \(did you mean --groups\?\); valid options: --factory, --groups, /);
  });

  it('any other parseArgs error keeps its first line', () => {
    expect(explainParseError(Object.assign(new Error('first line\nsecond line'), { code: 'ERR_SOMETHING' }), {})).toBe('first line');
  });
});
