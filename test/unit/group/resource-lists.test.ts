import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildResourceLists, escapeXmlAttribute } from '../../../runtime/group/build-resource-lists.ts';
import { parseResourceLists } from '../../../runtime/group/parse-resource-lists.ts';
import { groupErrorCodes } from '../../../runtime/group/group-error-codes.ts';

const errorCode = (r: { ok: boolean; error?: { code: string } }): string | undefined => (r.ok ? undefined : r.error?.code);

describe('buildResourceLists', () => {
  it('writes one entry per URI inside a single list, with the RFC 4826 namespace', () => {
    const xml = buildResourceLists(['sip:bob@example.com', 'sip:carol@example.com']);
    expect(xml).toContain('<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"');
    expect(xml).toContain('<entry uri="sip:bob@example.com" cp:copyControl="to"/>');
    expect(xml.match(/<entry /g)).toHaveLength(2);
    expect(buildResourceLists(['sip:a@b'], { copyControl: null })).not.toContain('copyControl');
  });

  it('escapes markup characters in URIs', () => {
    const uri = 'sip:a&b<c>"d\'@example.com';
    const xml = buildResourceLists([uri]);
    expect(xml).toContain('uri="sip:a&amp;b&lt;c&gt;&quot;d&apos;@example.com"');
    expect(parseResourceLists(xml)).toEqual({ ok: true, value: [uri] });
  });

  it('percent-encodes controls XML cannot carry and keeps TAB/LF/CR as references', () => {
    expect(escapeXmlAttribute('a\u0001b')).toBe('a%01b');
    expect(escapeXmlAttribute('a\tb')).toBe('a&#x9;b');
  });

  it('round-trips any list of URI-ish strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1 }).map((s) => `sip:${s.trim() || 'x'}@h`), { maxLength: 20 }), (uris) => {
        const parsed = parseResourceLists(buildResourceLists(uris));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value).toEqual(uris.map((u) => u.trim()));
      }),
    );
  });
});

describe('parseResourceLists', () => {
  it('reads entries in document order, including nested lists, skipping display names and comments', () => {
    const xml = `<?xml version="1.0"?>
<!-- recipients -->
<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">
  <list name="friends">
    <entry uri="sip:a@example.com"><display-name>A &amp; co</display-name></entry>
    <list><entry uri='sip:b@example.com'/></list>
    <entry uri="sip:c@example.com"/>
  </list>
</resource-lists>`;
    expect(parseResourceLists(xml)).toEqual({ ok: true, value: ['sip:a@example.com', 'sip:b@example.com', 'sip:c@example.com'] });
  });

  it('tolerates namespace prefixes, foreign extension elements and white space in tags', () => {
    const xml = `<rl:resource-lists xmlns:rl="urn:ietf:params:xml:ns:resource-lists" xmlns:cp="urn:ietf:params:xml:ns:copycontrol" xmlns:x="urn:example">
      <rl:list >
        <x:note><x:entry uri="sip:not-a-member@example.com"/></x:note>
        <rl:entry
           cp:copyControl = "to"
           uri = "sip:bob@example.com" />
      </rl:list>
    </rl:resource-lists>`;
    expect(parseResourceLists(xml)).toEqual({ ok: true, value: ['sip:bob@example.com'] });
  });

  it('accepts a Buffer with a UTF-8 BOM and a document without a namespace declaration', () => {
    const doc = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<resource-lists><list><entry uri="sip:é@h"/></list></resource-lists>')]);
    expect(parseResourceLists(doc)).toEqual({ ok: true, value: ['sip:é@h'] });
  });

  it('refuses a DOCTYPE with an entity-expansion bomb', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry uri="&lol2;"/></list></resource-lists>`;
    expect(errorCode(parseResourceLists(bomb))).toBe(groupErrorCodes.listEntity);
  });

  it('refuses external entities (XXE) and unknown entity references', () => {
    const xxe = `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><resource-lists><list><entry uri="&xxe;"/></list></resource-lists>`;
    expect(errorCode(parseResourceLists(xxe))).toBe(groupErrorCodes.listEntity);
    const unknown = `<resource-lists><list><entry uri="sip:&nbsp;@h"/></list></resource-lists>`;
    expect(errorCode(parseResourceLists(unknown))).toBe(groupErrorCodes.listEntity);
    const inText = `<resource-lists><list><entry uri="sip:a@h"><display-name>&xxe;</display-name></entry></list></resource-lists>`;
    expect(errorCode(parseResourceLists(inText))).toBe(groupErrorCodes.listEntity);
  });

  it('decodes numeric character references but refuses ones that are not XML characters', () => {
    expect(parseResourceLists('<resource-lists><list><entry uri="sip:&#97;&#x62;@h"/></list></resource-lists>')).toEqual({ ok: true, value: ['sip:ab@h'] });
    expect(errorCode(parseResourceLists('<resource-lists><list><entry uri="sip:&#0;@h"/></list></resource-lists>'))).toBe(groupErrorCodes.listParse);
  });

  it('bounds the input size, nesting depth and entry count', () => {
    const huge = `<resource-lists><list>${'<entry uri="sip:a@h"/>'.repeat(5000)}</list></resource-lists>`;
    expect(errorCode(parseResourceLists(huge))).toBe(groupErrorCodes.listTooLarge);
    expect(errorCode(parseResourceLists(huge, { maxBytes: 1 << 20, maxEntries: 100 }))).toBe(groupErrorCodes.listTooLarge);
    const deep = `<resource-lists>${'<list>'.repeat(40)}${'</list>'.repeat(40)}</resource-lists>`;
    expect(errorCode(parseResourceLists(deep))).toBe(groupErrorCodes.listTooLarge);
    // 10 MiB that is not XML at all: refused for its size, so the byte bound is checked before any parsing
    // (a parser that looked first would report listParse).
    const big = 'x'.repeat(10 * 1024 * 1024);
    expect(errorCode(parseResourceLists(big))).toBe(groupErrorCodes.listTooLarge);
  });

  it('refuses entry-ref and external, which point at lists the focus cannot fetch', () => {
    expect(errorCode(parseResourceLists('<resource-lists><list><entry-ref ref="x"/></list></resource-lists>'))).toBe(groupErrorCodes.listUnsupported);
    expect(errorCode(parseResourceLists('<resource-lists><list><external anchor="http://x"/></list></resource-lists>'))).toBe(groupErrorCodes.listUnsupported);
  });

  it.each([
    ['not XML', 'sip:a@b'],
    ['wrong root', '<rls-services><list/></rls-services>'],
    ['root in another namespace', '<resource-lists xmlns="urn:example"><list><entry uri="sip:a@h"/></list></resource-lists>'],
    ['undeclared prefix', '<rl:resource-lists><rl:list/></rl:resource-lists>'],
    ['mismatched end tag', '<resource-lists><list></lst></resource-lists>'],
    ['unclosed element', '<resource-lists><list>'],
    ['two roots', '<resource-lists/><resource-lists/>'],
    ['entry without uri', '<resource-lists><list><entry/></list></resource-lists>'],
    ['duplicate attribute', '<resource-lists><list><entry uri="sip:a@h" uri="sip:b@h"/></list></resource-lists>'],
    ['unquoted attribute', '<resource-lists><list><entry uri=sip:a@h/></list></resource-lists>'],
    ['text after the root', '<resource-lists/>junk'],
    ['empty input', ''],
  ])('refuses %s', (_name, xml) => {
    expect(errorCode(parseResourceLists(xml))).toBe(groupErrorCodes.listParse);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = parseResourceLists(`<resource-lists><list>${s}</list></resource-lists>`);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
