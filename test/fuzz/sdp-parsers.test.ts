// Property-based fuzzing of the SDP layer: the RFC 4566 parser and the RFC 5547 value codecs.
// Nothing may throw out of a parser, every call stays within its time budget, a parsed description
// serializes to a fixed point, and generated descriptions and codec values round-trip.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fileAttributeCodecs,
  formatMimeType,
  formatSelectorParts,
  parseDateTime,
  parseMimeType,
  parseSelectorParts,
  parseSessionDescription,
  percentDecodeQuoted,
  serializeSessionDescription,
  type FileAttributeCodecName,
  type SessionDescription,
} from '../../runtime/sdp/index.ts';
import { CpmError, type Result } from '../../runtime/errors.ts';
import { FuzzMeter } from '../helpers/fuzz-meter.ts';
import { mutatedText } from '../helpers/fuzz-mutate.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const meter = new FuzzMeter();
afterAll(() => console.log(meter.summary('sdp')));

const corpusDir = join(import.meta.dirname, '../corpus/sdp');
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.sdp')).map((f) => readFileSync(join(corpusDir, f), 'utf8'));
const codecNames = Object.keys(fileAttributeCodecs) as FileAttributeCodecName[];
const seeds = { random: 0x5d91, mutated: 0x5d92, codecs: 0x5d93, grammar: 0x5d94, selector: 0x5d95 };

function expectResult(r: Result<unknown>, code: string): void {
  if (r.ok) return;
  expect(r.error).toBeInstanceOf(CpmError);
  expect(r.error.code).toBe(code);
}

/** Runs every codec that applies to the file attributes of each media section. */
function parseFileAttributes(sd: SessionDescription): void {
  for (const media of sd.media) {
    for (const a of media.attributes) {
      if (a.value === null) continue;
      const value = a.value;
      if (a.name === 'file-selector' || a.name === 'file-date') {
        const parts = meter.run('parseSelectorParts', value.length, () => parseSelectorParts(value));
        expectResult(parts, 'ERR_SDP_VALUE');
        if (!parts.ok) continue;
        for (const [key, text] of parts.value) {
          const codec: FileAttributeCodecName =
            key === 'name' ? 'quoted-string' : key === 'type' ? 'mime-type' : key === 'size' ? 'integer' : key === 'hash' ? 'hash' : 'date-time';
          expectResult(meter.run(`codec:${codec}`, text.length, () => fileAttributeCodecs[codec].parse(text)), 'ERR_SDP_VALUE');
        }
      }
      if (a.name === 'file-transfer-id' || a.name === 'file-disposition') expectResult(meter.run('codec:token', value.length, () => fileAttributeCodecs.token.parse(value)), 'ERR_SDP_VALUE');
      if (a.name === 'file-icon') expectResult(meter.run('codec:cid-url', value.length, () => fileAttributeCodecs['cid-url'].parse(value)), 'ERR_SDP_VALUE');
      if (a.name === 'file-range') expectResult(meter.run('codec:byte-range', value.length, () => fileAttributeCodecs['byte-range'].parse(value)), 'ERR_SDP_VALUE');
    }
  }
}

describe('SDP parser: no exception, bounded time', () => {
  it('random strings and SDP-alphabet strings', () => {
    const sdpish = fc.string({ unit: fc.constantFrom(...'v=0\r\no=- 1 IN IP4 s=c=t=m=message 9 TCP/MSRP *a=:b=AS:r=z=k=ix"% '.split('')), maxLength: 800 });
    fc.assert(
      fc.property(fc.oneof(sdpish, fc.string({ maxLength: 800 }), fc.string({ unit: 'binary', maxLength: 800 })), (text) => {
        const r = meter.run('parseSessionDescription', text.length, () => parseSessionDescription(text));
        expectResult(r, 'ERR_SDP_PARSE');
        if (!r.ok) {
          const loc = r.error.location;
          expect(loc?.line).toBeGreaterThanOrEqual(1);
          expect(loc?.line).toBeLessThanOrEqual(text.split('\n').length);
          expect(loc?.column).toBeGreaterThanOrEqual(1);
        } else parseFileAttributes(r.value);
      }),
      { seed: seeds.random, ...fuzzRuns(2500) },
    );
  });

  it('mutated corpus samples parse or fail with a located error; parsed ones reach a serialize fixed point', () => {
    fc.assert(
      fc.property(mutatedText(corpus), (text) => {
        const r = meter.run('parseSessionDescription', text.length, () => parseSessionDescription(text));
        expectResult(r, 'ERR_SDP_PARSE');
        if (!r.ok) {
          expect(r.error.location?.line).toBeLessThanOrEqual(text.split('\n').length);
          return;
        }
        parseFileAttributes(r.value);
        const once = serializeSessionDescription(r.value);
        const again = parseSessionDescription(once);
        expect(again.ok, again.ok ? '' : again.error.message).toBe(true);
        if (again.ok) expect(serializeSessionDescription(again.value)).toBe(once);
      }),
      { seed: seeds.mutated, ...fuzzRuns(2500) },
    );
  });

  it('long adversarial values finish in time (regex backtracking)', () => {
    const n = 64 * 1024;
    const values = [
      `name:"${'a '.repeat(n / 2)}`,
      `${'a:'.repeat(n / 2)}`,
      `${'"'.repeat(n)}`,
      `text/plain${';a="b'.repeat(n / 5)}`,
      `sha-1:${'AB:'.repeat(n / 3)}G`,
      `${'1'.repeat(n)}-`,
      `Mon, ${' '.repeat(n)}04 Jul 2016`,
      `2016-07-04T${'1'.repeat(n)}`,
      `cid:${'a'.repeat(n)} `,
      `%${'%2'.repeat(n / 2)}`,
    ];
    for (const v of values) {
      meter.run('parseSelectorParts', v.length, () => parseSelectorParts(v));
      meter.run('percentDecodeQuoted', v.length, () => percentDecodeQuoted(v));
      meter.run('parseDateTime', v.length, () => parseDateTime(v));
      for (const c of codecNames) meter.run(`codec:${c}`, v.length, () => fileAttributeCodecs[c].parse(v));
      const sdp = `v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=message 9 TCP/MSRP *\r\na=file-selector:${v}\r\nb=AS:${v}\r\n`;
      expectResult(meter.run('parseSessionDescription', sdp.length, () => parseSessionDescription(sdp)), 'ERR_SDP_PARSE');
    }
  });
});

describe('RFC 5547 value codecs: any text', () => {
  const valueish = fc.string({ unit: fc.constantFrom(...'name:"a b%22.txt" type:text/plain;charset="x" size:12 hash:sha-1:AB:cd creation:Mon, 04 Jul 2016 12:16:29 +0000 2016-07-04T12:00Z cid:x@y 1-* \t%é'.split('')), maxLength: 300 });
  for (const name of codecNames) {
    it(`${name}.parse`, () => {
      fc.assert(
        fc.property(fc.oneof(valueish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
          expectResult(meter.run(`codec:${name}`, text.length, () => fileAttributeCodecs[name].parse(text)), 'ERR_SDP_VALUE');
        }),
        { seed: seeds.codecs, ...fuzzRuns(800) },
      );
    });
  }

  it('parseSelectorParts, parseMimeType, percentDecodeQuoted, parseDateTime', () => {
    fc.assert(
      fc.property(fc.oneof(valueish, fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
        expectResult(meter.run('parseSelectorParts', text.length, () => parseSelectorParts(text)), 'ERR_SDP_VALUE');
        expectResult(meter.run('parseMimeType', text.length, () => parseMimeType(text)), 'ERR_SDP_VALUE');
        meter.run('percentDecodeQuoted', text.length, () => percentDecodeQuoted(text));
        const d = meter.run('parseDateTime', text.length, () => parseDateTime(text));
        if (d !== null) expect(Number.isNaN(d.getTime())).toBe(false);
      }),
      { seed: seeds.selector, ...fuzzRuns(1500) },
    );
  });
});

// ------------------------------------------------------------------------------------------
// Grammar-aware generators.

const tok = (min: number, max: number, extra = ''): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...`abcxyzABCXYZ0123456789${extra}`.split('')), minLength: min, maxLength: max });
/** Line text: anything printable but CR/LF (spaces and unicode included). */
const lineText = fc.string({ unit: fc.oneof(fc.constantFrom(...' abc:=;,"%*/-_.XYZ019'.split('')), fc.constantFrom('é', '中', '😀')), minLength: 1, maxLength: 40 });
const conn = fc.record({ netType: fc.constant('IN'), addrType: fc.constantFrom('IP4', 'IP6'), address: tok(1, 15, '.:') });
const attr = fc.record({ name: tok(1, 16, '-'), value: fc.option(lineText.map((s) => s.trimStart()), { nil: null }) });
const otherType = fc.constantFrom('d', 'f', 'g', 'h', 'j', 'l', 'n', 'q', 'w', 'x', 'y');
const mediaArb = fc.record({
  media: fc.constantFrom('message', 'audio', 'video', 'application'),
  port: fc.integer({ min: 0, max: 65535 }),
  portCount: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  proto: fc.constantFrom('TCP/MSRP', 'TCP/TLS/MSRP', 'RTP/AVP'),
  formats: fc.array(tok(1, 6, '*'), { minLength: 1, maxLength: 4 }),
  information: fc.option(lineText, { nil: null }),
  connections: fc.array(conn, { maxLength: 2 }),
  bandwidths: fc.array(fc.record({ type: tok(1, 4), value: fc.nat() }), { maxLength: 2 }),
  key: fc.option(lineText, { nil: null }),
  attributes: fc.array(attr, { maxLength: 8 }),
  otherLines: fc.array(fc.record({ type: otherType, value: lineText }), { maxLength: 2 }),
});
const sdpArb: fc.Arbitrary<SessionDescription> = fc.record({
  version: fc.constant(0),
  origin: fc.record({ username: tok(1, 8, '-'), sessionId: fc.nat().map(String), sessionVersion: fc.nat().map(String), netType: fc.constant('IN'), addrType: fc.constant('IP4'), address: tok(1, 15, '.') }),
  sessionName: lineText,
  information: fc.option(lineText, { nil: null }),
  uri: fc.option(tok(1, 20, ':/.'), { nil: null }),
  emails: fc.array(tok(1, 20, '@.'), { maxLength: 2 }),
  phones: fc.array(tok(1, 12, '+-'), { maxLength: 2 }),
  connection: fc.option(conn, { nil: null }),
  bandwidths: fc.array(fc.record({ type: tok(1, 4), value: fc.nat() }), { maxLength: 2 }),
  timings: fc.array(fc.record({ start: fc.nat().map(String), stop: fc.nat().map(String), repeats: fc.array(lineText, { maxLength: 2 }) }), { minLength: 1, maxLength: 2 }),
  timeZones: fc.option(tok(1, 20, ' -'), { nil: null }),
  key: fc.option(lineText, { nil: null }),
  attributes: fc.array(attr, { maxLength: 6 }),
  otherLines: fc.array(fc.record({ type: otherType, value: lineText }), { maxLength: 2 }),
  media: fc.array(mediaArb, { maxLength: 4 }),
});

describe('generated descriptions and values round-trip', () => {
  it('parse(serialize(sd)) equals sd', () => {
    fc.assert(
      fc.property(sdpArb, (sd) => {
        const text = serializeSessionDescription(sd);
        const r = meter.run('parseSessionDescription', text.length, () => parseSessionDescription(text));
        expect(r.ok, r.ok ? '' : `${r.error.message}\n${text}`).toBe(true);
        if (r.ok) expect(r.value).toEqual(sd);
      }),
      { seed: seeds.grammar, ...fuzzRuns(1000) },
    );
  });

  const grapheme = fc.string({ unit: 'grapheme', maxLength: 40 });
  const dateArb = fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
  const mimeArb = fc
    .record({ type: tok(1, 10, '-+.'), subtype: tok(1, 12, '-+.'), parameters: fc.array(fc.tuple(tok(1, 8, '-'), grapheme), { maxLength: 3 }) })
    .map((m) => formatMimeType(m));
  const hashArb = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ({ algorithm: 'sha-1', digest: Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':') }));
  const rangeArb = fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.option(fc.nat({ max: 2 ** 40 }), { nil: undefined })).map(([start, len]) => ({ start, stop: len === undefined ? ('*' as const) : start + len }));

  it('each codec: parse(format(v)) gives v back', () => {
    const c = fileAttributeCodecs;
    fc.assert(
      fc.property(grapheme, mimeArb, fc.nat({ max: Number.MAX_SAFE_INTEGER }), hashArb, tok(1, 20, '-_.'), dateArb, tok(1, 20, '@.-'), rangeArb, (name, mime, size, hash, token, date, cid, range) => {
        const check = <T>(codec: { format(v: T): string; parse(t: string): Result<T> }, label: string, value: T, expected: unknown = value): void => {
          const text = codec.format(value);
          const r = meter.run(`codec:${label}`, text.length, () => codec.parse(text));
          expect(r.ok && r.value, `${label} ${text}`).toEqual(expected);
        };
        check(c['quoted-string'], 'quoted-string', name);
        check(c['mime-type'], 'mime-type', mime, formatMimeType((parseMimeType(mime) as { value: Parameters<typeof formatMimeType>[0] }).value));
        check(c.integer, 'integer', size);
        check(c.hash, 'hash', hash);
        check(c.token, 'token', token);
        check(c['date-time'], 'date-time', date);
        check(c['cid-url'], 'cid-url', `cid:${cid}`);
        check(c['byte-range'], 'byte-range', range);
        // A whole file-selector: the parts come back as the formatted texts, by key.
        const parts = [['name', c['quoted-string'].format(name)], ['type', c['mime-type'].format(mime)], ['size', c.integer.format(size)], ['hash', c.hash.format(hash)]] as const;
        const selector = formatSelectorParts(parts);
        const back = meter.run('parseSelectorParts', selector.length, () => parseSelectorParts(selector));
        expect(back.ok && Object.fromEntries(back.value)).toEqual(Object.fromEntries(parts));
      }),
      { seed: seeds.codecs + 1, ...fuzzRuns(1000) },
    );
  });
});
