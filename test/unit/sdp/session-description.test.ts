import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSessionDescription } from '../../../runtime/sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../../../runtime/sdp/serialize-session-description.ts';
import {
  getAcceptTypes, getConnectionMode, getDirection, getFileSelector, getFileTransferId, getMaxSize, getPath, getSetup,
  isMsrpMedia, setDirection,
} from '../../../runtime/sdp/msrp-attributes.ts';
import { fileAttributeCodecs, parseSelectorParts } from '../../../runtime/sdp/file-attribute-codecs.ts';
import type { SessionDescription } from '../../../runtime/sdp/session-description.ts';

const corpusDir = join(import.meta.dirname, '../../corpus/sdp');
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.sdp'));
const load = (name: string): string => readFileSync(join(corpusDir, name), 'utf8');
const parse = (text: string): SessionDescription => {
  const r = parseSessionDescription(text);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('corpus round-trip', () => {
  it('has samples', () => expect(corpus.length).toBeGreaterThanOrEqual(3));
  for (const name of corpus) {
    it(`${name}: serialize(parse(x)) is byte-identical`, () => {
      const text = load(name);
      expect(text).toContain('\r\n');
      expect(serializeSessionDescription(parse(text))).toBe(text);
    });
    it(`${name}: LF-only input parses to the same model`, () => {
      const text = load(name);
      expect(parse(text.replace(/\r\n/g, '\n'))).toEqual(parse(text));
    });
    it(`${name}: every file selector decodes`, () => {
      for (const m of parse(load(name)).media.filter(isMsrpMedia)) {
        const selector = getFileSelector(m);
        if (selector === undefined) continue;
        const parts = parseSelectorParts(selector);
        expect(parts.ok).toBe(true);
        if (!parts.ok) continue;
        expect(fileAttributeCodecs['quoted-string'].parse(parts.value.get('name') ?? '').ok).toBe(true);
        const hash = parts.value.get('hash');
        if (hash !== undefined) expect(fileAttributeCodecs.hash.parse(hash).ok).toBe(true);
      }
    });
  }
});

describe('RCS-style offer with three files', () => {
  const sd = parse(load('rcs-push-three-files.sdp'));
  it('reads every m=message line with its own selector and transfer id', () => {
    expect(sd.media).toHaveLength(3);
    expect(sd.media.map(getFileTransferId)).toEqual(['1467634589', '1467634590', '1467634591']);
    const third = sd.media[2]!;
    const parts = parseSelectorParts(getFileSelector(third)!);
    expect(parts.ok && fileAttributeCodecs['quoted-string'].parse(parts.value.get('name')!)).toEqual({ ok: true, value: 'notes "draft" 100%.txt' });
  });
  it('typed accessors', () => {
    const m = sd.media[0]!;
    expect(getPath(m)).toEqual(['msrp://10.0.2.15:20000/1467634589a;tcp']);
    expect(getAcceptTypes(m)).toEqual(['image/jpeg']);
    expect(getMaxSize(m)).toBe(52428800);
    expect(getSetup(m)).toBe('actpass');
    expect(getDirection(m)).toBe('sendonly');
    expect(m.attributes.map((a) => a.name).slice(0, 3)).toEqual(['accept-types', 'file-transfer-id', 'file-disposition']);
  });
});

describe('sipsimple-style TLS offer', () => {
  const sd = parse(load('sipsimple-tls-two-files.sdp'));
  it('keeps the TLS proto, msrps paths and unicode names', () => {
    expect(sd.media.every(isMsrpMedia)).toBe(true);
    expect(sd.media[0]!.proto).toBe('TCP/TLS/MSRP');
    expect(getPath(sd.media[0]!)[0]).toMatch(/^msrps:/);
    const parts = parseSelectorParts(getFileSelector(sd.media[1]!)!);
    expect(parts.ok && fileAttributeCodecs['quoted-string'].parse(parts.value.get('name')!)).toEqual({ ok: true, value: 'Résumé – Ünïcödé 日本語.docx' });
    expect(getSetup(sd.media[0]!)).toBe('active');
  });
});

describe('mixed media', () => {
  const sd = parse(load('mixed-audio-and-closed-slot.sdp'));
  it('keeps other media verbatim and the session-level direction applies', () => {
    expect(sd.media[0]).toMatchObject({ media: 'audio', port: 49170, proto: 'RTP/AVP', formats: ['0', '8', '101'] });
    expect(isMsrpMedia(sd.media[0]!)).toBe(false);
    expect(sd.media[1]!.port).toBe(0);
    expect(getDirection(sd.media[0]!, sd)).toBe('sendrecv');
    expect(getDirection(sd.media[2]!, sd)).toBe('recvonly');
    expect(getConnectionMode(sd.media[2]!)).toBe('new');
    expect(sd.bandwidths).toEqual([{ type: 'AS', value: 64 }]);
    expect(sd.connection).toEqual({ netType: 'IN', addrType: 'IP6', address: '2001:db8::1' });
  });
  it('setDirection replaces in place', () => {
    const copy = structuredClone(sd.media[2]!);
    setDirection(copy, 'inactive');
    expect(copy.attributes.filter((a) => a.name === 'inactive' || a.name === 'recvonly')).toEqual([{ name: 'inactive', value: null }]);
  });
});

describe('parse errors carry line and column', () => {
  const cases: Array<[string, string, number]> = [
    ['missing v', 'o=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n', 1],
    ['bad line', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nthis is not sdp\r\n', 4],
    ['short origin', 'v=0\r\no=- 1 IN IP4\r\ns=-\r\n', 2],
    ['bad port', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=message abc TCP/MSRP *\r\n', 5],
    ['port too big', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=message 70000 TCP/MSRP *\r\n', 4],
    ['bad bandwidth', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nb=AS\r\n', 4],
  ];
  for (const [title, text, line] of cases) {
    it(title, () => {
      const r = parseSessionDescription(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('ERR_SDP_PARSE');
      expect(r.error.location?.line).toBe(line);
      expect(r.error.location?.column).toBeGreaterThanOrEqual(1);
    });
  }
  it('missing o= and empty input', () => {
    expect(parseSessionDescription('v=0\r\ns=-\r\n').ok).toBe(false);
    expect(parseSessionDescription('').ok).toBe(false);
  });
});
