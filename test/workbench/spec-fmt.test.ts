// `cpm-ft spec fmt`: one canonical layout, comments kept, fmt of fmt is fmt, --check names the files that differ.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSpecText } from '../../generator/format/format-spec.ts';
import { run } from '../../src/cli/commands/spec.ts';
import { fixtureSpec, runCommand, scratchSpec } from './workbench-helpers.ts';

const fixtureFiles = ['spec/documents.rules', 'spec/file-transfer.rules', 'spec/sdp-attributes.rules', 'spec/cr/cpm-cr-ft-release.cr'];

/** Same tokens, ugly layout: fields run together on one line, odd indents, runs of blank lines. */
function mangle(text: string): string {
  return text
    .replace(/\{\n\s+/g, '{ ')
    .replace(/\n {2,}(on|do|see|summary|covers|part|example) /g, '\n      $1 ')
    .replace(/\n\n/g, '\n\n\n\n')
    .replace(/ SHALL \{/g, '  SHALL   {');
}

const format = (path: string, text: string): string => {
  const result = formatSpecText(path, text);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.text;
};

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('spec fmt', () => {
  for (const path of fixtureFiles) {
    it(`${path}: a mangled copy formats back to the canonical text, and fmt of fmt is fmt`, () => {
      const canonical = format(path, readFileSync(join(fixtureSpec, path), 'utf8'));
      const mangled = mangle(canonical);
      expect(mangled).not.toBe(canonical);
      const once = format(path, mangled);
      expect(once).toBe(canonical);
      expect(format(path, once)).toBe(once);
    });
  }

  it('keeps own-line, trailing and before-brace comments, and collapses blank-line runs to one', () => {
    const text = [
      '# header',
      '',
      '',
      'rule 7.6.2 SHALL {   # why this rule',
      '# about the trigger',
      '      on transfer-complete    # trailing on a field',
      '  do send-bye',
      '  summary "s"',
      '    # last words inside',
      '} # after the brace',
      '# at the end',
      '',
    ].join('\n');
    const out = format('x.rules', text);
    expect(out).toBe(
      [
        '# header',
        '',
        'rule 7.6.2 SHALL {  # why this rule',
        '  # about the trigger',
        '  on transfer-complete  # trailing on a field',
        '  do send-bye',
        '  summary "s"',
        '  # last words inside',
        '}  # after the brace',
        '# at the end',
        '',
      ].join('\n'),
    );
    expect(format('x.rules', out)).toBe(out);
  });

  it('a syntax error is reported with its location and nothing is formatted', () => {
    const result = formatSpecText('bad.rules', 'rule 7.6.2 SHAL { }\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]).toMatchObject({ code: 'syntax-error', location: { file: 'bad.rules', line: 1, column: 12 } });
  });

  it('--check exits 1 naming only the mangled file; fmt rewrites it; then --check passes', async () => {
    const scratch = scratchSpec('fmt');
    cleanup = scratch.remove;
    for (const path of fixtureFiles) writeFileSync(join(scratch.root, path), format(path, readFileSync(join(scratch.root, path), 'utf8')));
    expect((await runCommand(run, ['fmt', '--check'], scratch.root)).code).toBe(0);
    const target = join(scratch.root, 'spec/cr/cpm-cr-ft-release.cr');
    writeFileSync(target, mangle(readFileSync(target, 'utf8')));
    const check = await runCommand(run, ['fmt', '--check'], scratch.root);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('spec/cr/cpm-cr-ft-release.cr\n');
    expect(check.stderr).toContain('1 of');
    const fmt = await runCommand(run, ['fmt'], scratch.root);
    expect(fmt).toMatchObject({ code: 0, stdout: 'formatted spec/cr/cpm-cr-ft-release.cr\n' });
    expect(await runCommand(run, ['fmt', '--check'], scratch.root)).toMatchObject({ code: 0, stdout: '' });
    expect(readdirSync(join(scratch.root, 'spec/cr')).sort()).toEqual(['ORDER', 'cpm-cr-ft-release.cr']);
  });
});
