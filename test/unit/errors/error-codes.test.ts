// The package root's closed list of error codes stays in step with the sources: every code the
// runtime or the library writes is in `cpmErrorCodes`, and every listed code is written somewhere.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../../src/index.ts';

const repo = join(import.meta.dirname, '../../..');
/** Codes Node itself defines, matched in the sources but never ours. */
// (A prefix tested with startsWith, e.g. 'ERR_PROCEDURE', is not a code.)
const nodeCodes = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const written = new Set<string>();
for (const file of [...sourceFiles('runtime'), ...sourceFiles('src')]) {
  for (const match of readFileSync(file, 'utf8').matchAll(/(?<!startsWith\()'(ERR_[A-Z0-9_]*[A-Z0-9])'/g)) {
    if (!nodeCodes.has(match[1] as string)) written.add(match[1] as string);
  }
}

describe('public error codes', () => {
  it('CpmError, the code list and isCpmError come from the package root', () => {
    expect(typeof root.CpmError).toBe('function');
    expect(new root.InvalidOptionError('send', 'files', 1, 'an array')).toBeInstanceOf(root.CpmError);
    expect(root.isCpmError(new root.CpmError('ERR_FILE_ICON', 'x'), 'ERR_FILE_ICON')).toBe(true);
    expect(root.isCpmError(new root.CpmError('ERR_NOT_OURS', 'x'))).toBe(false);
    expect(root.isCpmError(new Error('x'))).toBe(false);
  });

  it('every code the sources write is listed', () => {
    const listed = new Set<string>(root.cpmErrorCodes);
    expect([...written].filter((code) => !listed.has(code)).sort()).toEqual([]);
  });

  it('every listed code is written somewhere, once in the list', () => {
    expect(root.cpmErrorCodes.filter((code) => !written.has(code))).toEqual([]);
    expect(new Set(root.cpmErrorCodes).size).toBe(root.cpmErrorCodes.length);
  });

  it("each FileFailure source's default code is listed", () => {
    for (const code of Object.values(root.fileFailureCodes)) expect(root.cpmErrorCodes).toContain(code);
  });
});
