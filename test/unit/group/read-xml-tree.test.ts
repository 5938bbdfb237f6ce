import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readXmlTree, type XmlReadErrors } from '../../../runtime/group/read-xml-tree.ts';

const errors: XmlReadErrors = { source: 'test-doc', parse: 'ERR_T_PARSE', entity: 'ERR_T_ENTITY', tooLarge: 'ERR_T_TOO_LARGE' };
const limits = { maxBytes: 4096, maxDepth: 8, maxElements: 50 };

const failure = (xml: string, l = limits): { code: string; source?: string; offset?: number } => {
  const r = readXmlTree(xml, l, errors);
  if (r.ok) throw new Error(`expected a failure for ${xml}`);
  return { code: r.error.code, source: r.error.location?.source, offset: r.error.location?.offset };
};

describe('readXmlTree', () => {
  it('builds the tree with namespaces resolved, attributes keyed by local name or {ns}local, and decoded text', () => {
    const xml = `<?xml version="1.0"?><!-- c --><r xmlns="urn:a" xmlns:p="urn:p" x="1&amp;2" p:y='3'>
  <p:k>a &lt; b<![CDATA[<raw>]]></p:k><e xml:lang="en"/></r>`;
    const r = readXmlTree(xml, limits, errors);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const root = r.value;
    expect([root.ns, root.local]).toEqual(['urn:a', 'r']);
    expect(root.attrs.get('x')).toBe('1&2');
    expect(root.attrs.get('{urn:p}y')).toBe('3');
    expect(root.attrs.has('xmlns')).toBe(false);
    const [k, e] = root.children;
    expect([k?.ns, k?.local, k?.text]).toEqual(['urn:p', 'k', 'a < b<raw>']);
    expect(e?.attrs.get('{http://www.w3.org/XML/1998/namespace}lang')).toBe('en');
    expect(k?.offset).toBe(xml.indexOf('<p:k>'));
  });

  it("reports the caller's codes and source, located at the offending offset", () => {
    expect(failure('<!DOCTYPE r><r/>')).toEqual({ code: 'ERR_T_ENTITY', source: 'test-doc', offset: 0 });
    expect(failure('<r>&nbsp;</r>')).toEqual({ code: 'ERR_T_ENTITY', source: 'test-doc', offset: 3 });
    expect(failure('<r><q:x/></r>')).toEqual({ code: 'ERR_T_PARSE', source: 'test-doc', offset: 3 });
    expect(failure('<r><a></b></r>')).toEqual({ code: 'ERR_T_PARSE', source: 'test-doc', offset: 6 });
    expect(failure('<r a="1"b="2"/>').code).toBe('ERR_T_PARSE');
    expect(failure('<r q:a="1"/>').code).toBe('ERR_T_PARSE');
  });

  it('enforces the byte, depth and element limits with the tooLarge code', () => {
    expect(failure(`<r>${' '.repeat(5000)}</r>`).code).toBe('ERR_T_TOO_LARGE');
    expect(failure(`${'<a>'.repeat(9)}${'</a>'.repeat(9)}`).code).toBe('ERR_T_TOO_LARGE');
    expect(failure(`<r>${'<a/>'.repeat(50)}</r>`).code).toBe('ERR_T_TOO_LARGE');
    expect(readXmlTree(`<r>${'<a/>'.repeat(49)}</r>`, limits, errors).ok).toBe(true);
  });

  it('never throws and only reports its own codes on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = readXmlTree(`<r>${s}</r>`, limits, errors);
        if (!r.ok) expect(['ERR_T_PARSE', 'ERR_T_ENTITY', 'ERR_T_TOO_LARGE']).toContain(r.error.code);
      }),
      { numRuns: 500 },
    );
  });
});
