// A file with several syntax errors reports each of them (one per rule, plus CR fields and headers),
// at its own line and column, with what may come there in words; a missing '}' is one error, not a cascade.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../../generator/compile-spec.ts';

const cr = readFileSync(new URL('../../../spec/cr/cpm-cr-ft-release.cr', import.meta.url), 'utf8');

function syntaxErrors(text: string): string[] {
  const result = compileSpec([{ path: 'spec/cr/x.cr', text }]);
  expect(result.ir).toBeNull();
  return result.diagnostics.filter((d) => d.code === 'syntax-error').map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`);
}

/** 1-based line:column of the first `needle` (plus `offset`). */
function at(text: string, needle: string, offset = 0): string {
  const before = text.slice(0, text.indexOf(needle) + offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe('syntax error recovery', () => {
  it('reports a broken CR field, a broken rule header and two broken rules together', () => {
    const broken = cr
      .replace('  title "', '  titel "')
      .replace('rule 7.6.1-5 SHALL', 'rule 7.6.1-5 SHAL')
      .replace('do send-reinvite', 'do send-reinvite (')
      .replace('do send-bye', 'dp send-bye');
    expect(syntaxErrors(broken)).toEqual([
      `${at(broken, 'titel')} expected a CR field (title, amends, after, add, text, modify, remove) or "}" but found "titel"`,
      `${at(broken, 'send-reinvite (', 'send-reinvite '.length)} expected a rule field (on, if, decision, otherwise, do, see, summary, covers), "}", clause number, document id or quoted string but found "("`,
      `${at(broken, 'SHAL {', 0)} expected a modality (SHALL, SHALL NOT, SHOULD, SHOULD NOT, MAY) but found "SHAL" (did you mean "SHALL"?)`,
      `${at(broken, 'dp send-bye')} expected a rule field (on, if, decision, otherwise, do, see, summary, covers), "when" or "}" but found "dp" (did you mean "do"?)`,
    ]);
  });

  it('reports a missing closing brace once, where the next rule starts', () => {
    const lines = cr.split('\n');
    const next = lines.findIndex((l) => l.includes('add rule 7.6.1-5'));
    const close = lines.slice(0, next).lastIndexOf('  }');
    lines.splice(close, 1);
    const broken = lines.join('\n');
    expect(syntaxErrors(broken)).toEqual([`${at(broken, 'add rule 7.6.1-5')} expected a rule field (on, if, decision, otherwise, do, see, summary, covers) or "}" but found "add"`]);
  });

  it('reports stray text between declarations and carries on', () => {
    const text = 'document RFC1 "one"\ndocumnt RFC2 "two"\nclause 7.6.1 "x"\nclause 7.6.2 x\n';
    expect(syntaxErrors(text)).toEqual([
      '2:1 expected a declaration (document, clause, external, attribute, rule, cr) or end of file but found "documnt" (did you mean "document"?)',
      '4:14 expected quoted string but found "x"',
    ]);
  });
});
