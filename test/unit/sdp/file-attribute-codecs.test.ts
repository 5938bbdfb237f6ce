import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cidUrlToContentId,
  contentIdToCidUrl,
  fileAttributeCodecs as codecs,
  formatSelectorParts,
  parseSelectorParts,
  type FileRange,
} from '../../../runtime/sdp/file-attribute-codecs.ts';

const value = <T>(r: { ok: true; value: T } | { ok: false; error: Error }): T => {
  if (!r.ok) throw r.error;
  return r.value;
};

describe('quoted-string (RFC 5547 filename)', () => {
  const q = codecs['quoted-string'];
  it('percent-encodes quote, percent, CR, LF, NUL and other controls', () => {
    expect(q.format('a "b" 100%\r\n\0\x7f.txt')).toBe('"a %22b%22 100%25%0D%0A%00%7F.txt"');
  });
  it('keeps spaces and unicode raw and round-trips them', () => {
    const name = 'Résumé – 日本語 😀.docx';
    expect(q.format(name)).toBe(`"${name}"`);
    expect(value(q.parse(q.format(name)))).toBe(name);
  });
  it('decodes percent-encoded UTF-8 bytes', () => {
    expect(value(q.parse('"R%C3%A9sum%C3%A9.txt"'))).toBe('Résumé.txt');
  });
  it('keeps a lone percent sign literally (lenient)', () => {
    expect(value(q.parse('"100% sure.txt"'))).toBe('100% sure.txt');
  });
  it('accepts an unquoted name leniently, rejects an unterminated quote', () => {
    expect(value(q.parse('plain.txt'))).toBe('plain.txt');
    expect(q.parse('"open.txt').ok).toBe(false);
  });
  it('round-trips arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const text = q.format(s);
      expect(text.slice(1, -1)).not.toMatch(/["\r\n\0]/);
      expect(value(q.parse(text))).toBe(s);
    }));
  });
});

describe('mime-type', () => {
  const m = codecs['mime-type'];
  it('emits quoted, percent-encoded parameter values', () => {
    expect(m.format('text/plain; charset=UTF-8')).toBe('text/plain;charset="UTF-8"');
    expect(m.format('text/plain;name="a \\"b\\""')).toBe('text/plain;name="a %22b%22"');
  });
  it('parses quoted params with spaces and unquoted tokens', () => {
    expect(value(m.parse('text/plain;charset="a b"'))).toBe('text/plain;charset="a b"');
    expect(value(m.parse('text/plain; charset=utf-8'))).toBe('text/plain;charset=utf-8');
    expect(value(m.parse('image/jpeg'))).toBe('image/jpeg');
  });
  it('round-trips through format and parse', () => {
    const v = 'application/x-thing;title="x %y \\"z\\"";v=1';
    expect(value(m.parse(m.format(v)))).toBe(v);
  });
  it('rejects a type without subtype', () => {
    expect(m.parse('text').ok).toBe(false);
    expect(() => m.format('text')).toThrow(/mime-type/);
  });
});

describe('hash', () => {
  const h = codecs.hash;
  const digest = '72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E';
  it('emits sha-1 with uppercase pairs', () => {
    expect(h.format({ algorithm: 'sha-1', digest })).toBe(`sha-1:${digest}`);
  });
  it('accepts legacy sha1, lowercase hex and unseparated digests', () => {
    expect(value(h.parse(`sha1:${digest.toLowerCase()}`))).toEqual({ algorithm: 'sha-1', digest });
    expect(value(h.parse(`SHA-1:${digest.replace(/:/g, '')}`))).toEqual({ algorithm: 'sha-1', digest });
  });
  it('rejects a sha-1 digest of the wrong length and non-hex', () => {
    expect(h.parse('sha-1:AB:CD').ok).toBe(false);
    expect(h.parse('sha-1:ZZ').ok).toBe(false);
    expect(() => h.format({ algorithm: 'sha-1', digest: 'ab:cd' })).toThrow();
  });
});

describe('integer and token', () => {
  it('integer', () => {
    expect(codecs.integer.format(0)).toBe('0');
    expect(value(codecs.integer.parse('482113'))).toBe(482113);
    expect(codecs.integer.parse('-1').ok).toBe(false);
    expect(codecs.integer.parse('99999999999999999999').ok).toBe(false);
    expect(() => codecs.integer.format(1.5)).toThrow();
  });
  it('token', () => {
    expect(value(codecs.token.parse('5ce3b5b8f0294b6f'))).toBe('5ce3b5b8f0294b6f');
    expect(codecs.token.parse('a b').ok).toBe(false);
    expect(() => codecs.token.format('a"b')).toThrow();
  });
});

describe('date-time', () => {
  const d = codecs['date-time'];
  it('emits a quoted RFC 5322 date with a numeric zone', () => {
    expect(d.format(new Date(Date.UTC(2016, 6, 4, 12, 16, 29)))).toBe('"Mon, 04 Jul 2016 12:16:29 +0000"');
  });
  it('parses RFC 5322 with offsets, obsolete zones and no weekday', () => {
    expect(value(d.parse('"Sun, 12 Apr 2009 10:00:00 -0500"')).toISOString()).toBe('2009-04-12T15:00:00.000Z');
    expect(value(d.parse('"12 Apr 2009 10:00 GMT"')).toISOString()).toBe('2009-04-12T10:00:00.000Z');
    expect(value(d.parse('"12 Apr 09 10:00:00 PDT"')).toISOString()).toBe('2009-04-12T17:00:00.000Z');
  });
  it('parses unquoted ISO-8601 leniently', () => {
    expect(value(d.parse('2017-08-01T10:02:11+02:00')).toISOString()).toBe('2017-08-01T08:02:11.000Z');
    expect(value(d.parse('2017-08-01T10:02:11Z')).toISOString()).toBe('2017-08-01T10:02:11.000Z');
    expect(value(d.parse('2017-08-01')).toISOString()).toBe('2017-08-01T00:00:00.000Z');
  });
  it('rejects impossible dates', () => {
    expect(d.parse('"31 Feb 2009 10:00:00 +0000"').ok).toBe(false);
    expect(d.parse('yesterday').ok).toBe(false);
  });
  it('round-trips whole seconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), (s) => {
      const date = new Date(s * 1000);
      expect(value(d.parse(d.format(date))).getTime()).toBe(date.getTime());
    }));
  });
});

describe('cid-url and byte-range', () => {
  it('cid-url', () => {
    expect(value(codecs['cid-url'].parse('CID:thumb1@rcs.example.com'))).toBe('cid:thumb1@rcs.example.com');
    expect(codecs['cid-url'].parse('http://x').ok).toBe(false);
    expect(cidUrlToContentId('cid:a%20b@x')).toBe('<a b@x>');
    expect(contentIdToCidUrl('<thumb1@x>')).toBe('cid:thumb1@x');
  });
  it('byte-range: 1-based, * stop', () => {
    const r = codecs['byte-range'];
    expect(r.format({ start: 1, stop: '*' })).toBe('1-*');
    expect(value(r.parse('1048577-*'))).toEqual({ start: 1048577, stop: '*' } satisfies FileRange);
    expect(value(r.parse('1-100'))).toEqual({ start: 1, stop: 100 });
    expect(r.parse('0-100').ok).toBe(false);
    expect(r.parse('10-5').ok).toBe(false);
    expect(() => r.format({ start: 0, stop: 5 })).toThrow();
  });
});

describe('selector parts', () => {
  it('formats and parses a full file-selector with awkward values', () => {
    const text = formatSelectorParts([
      ['name', codecs['quoted-string'].format('my "file" 50%.txt')],
      ['type', codecs['mime-type'].format('text/plain;charset="a b"')],
      ['size', codecs.integer.format(2048)],
      ['hash', codecs.hash.format({ algorithm: 'sha-1', digest: 'DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09' })],
    ]);
    expect(text).toBe('name:"my %22file%22 50%25.txt" type:text/plain;charset="a b" size:2048 hash:sha-1:DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09');
    const parts = value(parseSelectorParts(text));
    expect([...parts.keys()]).toEqual(['name', 'type', 'size', 'hash']);
    expect(value(codecs['quoted-string'].parse(parts.get('name') as string))).toBe('my "file" 50%.txt');
    expect(parts.get('type')).toBe('text/plain;charset="a b"');
  });
  it('keeps unknown keys, tolerates extra spaces, keeps the first of a repeated key', () => {
    const parts = value(parseSelectorParts('  x-vendor:"a b"   name:"n 1"  name:"n2" '));
    expect(parts.get('x-vendor')).toBe('"a b"');
    expect(parts.get('name')).toBe('"n 1"');
  });
  it('reports parts without a key and unterminated quotes with a column', () => {
    const bad = parseSelectorParts('name:"x" junk');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.location?.column).toBe(10);
    expect(parseSelectorParts('name:"x').ok).toBe(false);
  });
  it('file-date parts', () => {
    const parts = value(parseSelectorParts('creation:"Mon, 04 Jul 2016 12:16:29 +0000" modification:2017-08-01T10:02:11Z'));
    expect(value(codecs['date-time'].parse(parts.get('creation') as string)).toISOString()).toBe('2016-07-04T12:16:29.000Z');
    expect(value(codecs['date-time'].parse(parts.get('modification') as string)).toISOString()).toBe('2017-08-01T10:02:11.000Z');
  });
});
