// The human line writer that receive, pull and serve share: peer text in a line is escaped, the
// line ends with exactly one newline of ours.
import { describe, expect, it } from 'vitest';
import { safeLineWriter } from '../../../src/safe-text.ts';

describe('safeLineWriter', () => {
  it('escapes controls and bidi overrides in a line and keeps one trailing newline', () => {
    let out = '';
    const writer = safeLineWriter({ write: (text: string) => { out += text; return true; } } as unknown as NodeJS.WritableStream);
    writer.write('sent evil\u202egpj.exe\x1b[31m\rforged 12 bytes\n');
    writer.write('no newline given');
    expect(out).toBe('sent evil\\u202egpj.exe\\x1b[31m\\x0dforged 12 bytes\nno newline given\n');
  });
});
