// parse → print (canonical printer) → parse gives the same AST minus locations, for every spec file
// and for guard shapes the printer must parenthesise; locations are 1-based and point at the node.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../../grammar/rules-parser.js';
import type { RuleNode, SpecFileNode } from '../../../generator/parse/ast.ts';
import { isParserFresh } from '../../../generator/parse/build-grammar.ts';
import { printSpec } from '../../../generator/parse/print-spec.ts';
import { stripLocations } from '../../../generator/parse/strip-locations.ts';

const root = new URL('../../../', import.meta.url);
const parseText = (text: string, path = 'test.rules'): SpecFileNode => parse(text, { grammarSource: path }) as SpecFileNode;

// Every live spec file (whatever CRs have landed) and every file of the frozen seed fixture.
const seedDir = 'test/fixtures/seed-spec';
const specFiles = ['spec', 'spec/cr', 'spec/examples', seedDir, `${seedDir}/cr`, `${seedDir}/examples`].flatMap((d) =>
  readdirSync(new URL(`${d}/`, root))
    .filter((f) => f.endsWith('.rules') || f.endsWith('.cr'))
    .sort()
    .map((f) => `${d}/${f}`),
);

describe('grammar round-trip', () => {
  it('covers the live spec files and the seed fixture', () => {
    expect(specFiles.filter((f) => f.startsWith('spec/') && f.endsWith('.rules')).length).toBeGreaterThan(0);
    expect(specFiles).toEqual(
      expect.arrayContaining(['documents.rules', 'cpm-conversation.rules', 'file-transfer.rules', 'sdp-attributes.rules', 'cr/cpm-cr-ft-release.cr', 'examples/cr-4a-shall.cr'].map((f) => `${seedDir}/${f}`)),
    );
  });

  for (const path of specFiles) {
    it(`${path}: parse(print(ast)) equals ast without locations`, () => {
      const ast = parseText(readFileSync(new URL(path, root), 'utf8'), path);
      const printed = printSpec(ast);
      const again = parseText(printed);
      expect(stripLocations(again)).toEqual(stripLocations(ast));
      // The canonical form is a fixed point.
      expect(printSpec(again)).toBe(printed);
    });
  }

  it('keeps guard structure: nesting, not, fired, and / or precedence', () => {
    const text = `rule 7.6.1-9 SHALL {
  on last-send-acknowledged when not (a or b) and c
  on transfer-complete when (a and b) and c or not not d
  if (x or y) or fired(7.6.1-4.b) and z
  do follow-clause 7.6.2 "quoted \\"arg\\""
  see RFC5547, 7.6.2
  summary "A \\\\ backslash and \\"quotes\\""
}
`;
    const ast = parseText(text);
    const rule = ast.items[0] as RuleNode;
    expect(stripLocations(rule.fields[0])).toEqual({
      kind: 'on',
      event: { kind: 'name', value: 'last-send-acknowledged' },
      guard: {
        kind: 'and',
        operands: [
          { kind: 'not', operand: { kind: 'or', operands: [{ kind: 'fact', name: { kind: 'name', value: 'a' } }, { kind: 'fact', name: { kind: 'name', value: 'b' } }] } },
          { kind: 'fact', name: { kind: 'name', value: 'c' } },
        ],
      },
    });
    expect(stripLocations(parseText(printSpec(ast)))).toEqual(stripLocations(ast));
  });

  it('round-trips a CR with add, modify (with and without modality), remove and after', () => {
    const text = `cr CPM-CR-X R02 {
  title "t"
  amends 7.6.1, 7.6.2
  after CPM-CR-FT-RELEASE
  add rule 7.6.1-6 SHOULD NOT {
    on transfer-complete
    decision check-pending-files
    otherwise 7.6.1-4.b
    do send-bye
    summary "s"
  }
  modify 7.6.1-4.a SHALL { decision none }
  modify 7.6.1-5 { summary "new" }
  remove 7.6.1-3
}
attribute direction flag sendonly | recvonly { required see RFC4566 summary "d" example "a=sendonly" }
attribute x-flag flag { property xFlag see RFC4566 summary "f" example "a=x-flag" }
external clause 7.3.1 "Initiating"
document RFC5547 "File transfer"
`;
    const ast = parseText(text);
    expect(stripLocations(parseText(printSpec(ast)))).toEqual(stripLocations(ast));
  });

  it('gives every node a 1-based location in its file', () => {
    const ast = parseText('# c\n\nrule 7.6.2 SHALL {\n  on transfer-complete\n  do send-bye\n  summary "s"\n}\n', 'spec/x.rules');
    const rule = ast.items[0] as RuleNode;
    expect(rule.location).toEqual({ file: 'spec/x.rules', line: 3, column: 1 });
    expect(rule.id.location).toEqual({ file: 'spec/x.rules', line: 3, column: 6 });
    expect(rule.modality.location).toEqual({ file: 'spec/x.rules', line: 3, column: 12 });
    expect(rule.fields[1]?.location).toEqual({ file: 'spec/x.rules', line: 5, column: 3 });
  });

  it('rejects keywords as names', () => {
    expect(() => parseText('rule 7.6.2 SHALL { on when do send-bye summary "s" }')).toThrow(/Expected/);
  });

  it('the committed grammar/rules-parser.js is a fresh build of grammar/rules.peggy', () => {
    expect(isParserFresh()).toBe(true);
  });
});

describe('`required` in an attribute block', () => {
  // A part's `required` is written on the part's own line; on a line of its own it marks the whole
  // attribute. (The grammar once let a newline join them, so the attribute-level `required` under
  // the last part silently became that part's flag.)
  const attribute = (body: string) => {
    const node = parseText(`attribute file-selector selector {\n${body}\n  summary "s"\n}\n`).items[0];
    if (node?.kind !== 'attribute') throw new Error('expected an attribute');
    return node.fields.map((f) => (f.kind === 'part' ? `part ${f.key.value}${f.required ? ' required' : ''}` : f.kind));
  };
  it('on its own line after a part, it marks the attribute', () => {
    expect(attribute('  part hash hash\n  required')).toEqual(['part hash', 'required', 'summary']);
  });
  it('after the codec on the same line, it marks the part', () => {
    expect(attribute('  part hash hash required')).toEqual(['part hash required', 'summary']);
  });
});
