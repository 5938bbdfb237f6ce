// Property-based fuzzing of the SIP syntax layer: random bytes, mutated corpus samples and
// generated valid messages. Every parser returns a Result (nothing escapes), every call stays
// within its time budget, and valid messages survive parse -> serialize -> parse.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseCSeq,
  parseMediaType,
  parseMultipart,
  parseNameAddr,
  parseParams,
  parseSipMessage,
  parseSipUri,
  parseVia,
  salvageRequestHeaders,
  serializeSipMessage,
  sipErrorCodes,
  SipHeaders,
  SipStreamFramer,
  splitHeaderValues,
  type SipMessage,
} from '../../runtime/sip/index.ts';
import { CpmError, type Result } from '../../runtime/errors.ts';
import { FuzzMeter } from '../helpers/fuzz-meter.ts';
import { mutatedBytes, splitPieces } from '../helpers/fuzz-mutate.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const meter = new FuzzMeter();
afterAll(() => console.log(meter.summary('sip')));

const corpusDir = join(import.meta.dirname, '../corpus/sip');
const corpus = ['valid', 'invalid'].flatMap((d) =>
  readdirSync(join(corpusDir, d)).filter((f) => f.endsWith('.sip')).map((f) => readFileSync(join(corpusDir, d, f))),
);
const knownCodes = new Set(Object.keys(sipErrorCodes));

/** A Result from a SIP parser: ok, or a CpmError with a documented code. */
function expectSipResult(r: Result<unknown>): void {
  if (r.ok) return;
  expect(r.error).toBeInstanceOf(CpmError);
  expect(knownCodes.has(r.error.code), r.error.code).toBe(true);
}

/** Parses every header value we have a sub-parser for; none may throw. */
function parseDeep(message: SipMessage): void {
  const bytes = message.body.length;
  if (message.kind === 'request') expectSipResultLoose(meter.run('parseSipUri', message.uri.length, () => parseSipUri(message.uri)));
  for (const field of message.headers) {
    const name = field.name.toLowerCase();
    if (name === 'via') meter.run('parseVia', field.value.length, () => parseVia(field.value));
    if (name === 'from' || name === 'to' || name === 'contact' || name === 'route' || name === 'record-route') {
      meter.run('parseNameAddr', field.value.length, () => parseNameAddr(field.value));
    }
    if (name === 'cseq') meter.run('parseCSeq', field.value.length, () => parseCSeq(field.value));
    if (name === 'content-type') {
      const mt = meter.run('parseMediaType', field.value.length, () => parseMediaType(field.value));
      if (mt.ok && mt.value.type === 'multipart') meter.run('parseMultipart', bytes, () => parseMultipart(message.body, field.value));
    }
  }
}
const expectSipResultLoose = (r: Result<unknown>): void => {
  if (!r.ok) expect(r.error).toBeInstanceOf(CpmError);
};

const seeds = { random: 0x5117, mutated: 0x5118, framer: 0x5119, strings: 0x511a, grammar: 0x511b, multipart: 0x511c };

describe('SIP message parser: no exception, bounded time', () => {
  it('random bytes (datagram and stream framing)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const buf = Buffer.from(bytes);
        expectSipResult(meter.run('parseSipMessage', buf.length, () => parseSipMessage(buf)));
        expectSipResult(meter.run('parseSipMessage', buf.length, () => parseSipMessage(buf, { stream: true })));
        meter.run('salvageRequestHeaders', buf.length, () => salvageRequestHeaders(buf));
      }),
      { seed: seeds.random, ...fuzzRuns(2000) },
    );
  });

  it('SIP-alphabet strings reach the header parser', () => {
    const alphabet = fc.constantFrom(...'INVITE sip:SIP/2.0\r\nVia: ;branch=z9hG4bK,<>"\\@Content-Length: 0123456789\t CSeq Call-ID From To'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 600 }), (text) => {
        const buf = Buffer.from(text, 'latin1');
        const r = meter.run('parseSipMessage', buf.length, () => parseSipMessage(buf));
        expectSipResult(r);
        if (r.ok) parseDeep(r.value);
      }),
      { seed: seeds.random + 1, ...fuzzRuns(1500) },
    );
  });

  it('mutated corpus samples (flips, inserts, dropped/duplicated lines, 64 KiB splices, NUL/CR/LF/unicode)', () => {
    fc.assert(
      fc.property(mutatedBytes(corpus), (buf) => {
        for (const stream of [false, true]) {
          const r = meter.run('parseSipMessage', buf.length, () => parseSipMessage(buf, { stream }));
          expectSipResult(r);
          if (!r.ok) {
            // Locations, when given, point inside the input.
            const loc = r.error.location;
            if (loc?.offset !== undefined) expect(loc.offset).toBeLessThanOrEqual(buf.length);
            if (loc?.line !== undefined) expect(loc.line).toBeGreaterThanOrEqual(1);
            continue;
          }
          parseDeep(r.value);
          // The canonical form is a fixed point: serialize(parse(serialize(m))) === serialize(m).
          const once = serializeSipMessage(r.value);
          const again = parseSipMessage(once, { stream: true });
          expect(again.ok, again.ok ? '' : again.error.message).toBe(true);
          if (again.ok) expect(serializeSipMessage(again.value).equals(once)).toBe(true);
        }
      }),
      { seed: seeds.mutated, ...fuzzRuns(2500) },
    );
  });

  it('multipart bodies: random and mutated bodies, random boundaries', () => {
    const multipartSample = corpus.find((b) => b.includes('multipart/mixed'))!;
    const body = multipartSample.subarray(multipartSample.indexOf('\r\n\r\n') + 4);
    fc.assert(
      fc.property(
        fc.oneof(mutatedBytes([body]), fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b))),
        fc.oneof(fc.constant('multipart/mixed;boundary="boundary42"'), fc.string({ maxLength: 80 }).map((b) => `multipart/mixed;boundary=${b}`), fc.string({ maxLength: 80 })),
        (buf, contentType) => {
          expectSipResultLoose(meter.run('parseMultipart', buf.length, () => parseMultipart(buf, contentType)));
        },
      ),
      { seed: seeds.multipart, ...fuzzRuns(800) },
    );
  });
});

describe('header value parsers: any string', () => {
  const sipish = fc.string({ unit: fc.constantFrom(...'sip:s@h.[]::1;=,"\\<> \t?&%abcZ019/-_.*+!~\'`é\u0000\r\n'.split('')), maxLength: 200 });
  const anyText = fc.oneof(sipish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));
  // parseParams and splitHeaderValues return plain values (no Result): they only must not throw.
  const resultParsers = new Set(['parseSipUri', 'parseNameAddr', 'parseVia', 'parseCSeq', 'parseMediaType']);
  const parsers: Record<string, (s: string) => unknown> = {
    parseSipUri,
    parseNameAddr,
    parseVia,
    parseCSeq,
    parseMediaType,
    parseParams,
    splitHeaderValues,
  };
  for (const [name, parse] of Object.entries(parsers)) {
    it(name, () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const r = meter.run(name, text.length, () => parse(text));
          if (resultParsers.has(name)) expectSipResultLoose(r as Result<unknown>);
        }),
        { seed: seeds.strings, ...fuzzRuns(1500) },
      );
    });
  }

  it('long adversarial runs finish in time (regex backtracking)', () => {
    const n = 64 * 1024;
    const inputs = [
      `SIP/2.0/UDP ${' '.repeat(n)}`,
      `SIP${' /'.repeat(n / 2)}`,
      `sip:${'a'.repeat(n)}@`,
      `sip:${'@'.repeat(n)}`,
      `sip:[${':'.repeat(n)}`,
      `"${'\\"'.repeat(n / 2)}`,
      `<${'<'.repeat(n)}`,
      `${';a='.repeat(n / 3)}`,
      `1${' '.repeat(n)}x`,
      `a/b${';c="'.repeat(n / 4)}`,
    ];
    for (const text of inputs) {
      for (const [name, parse] of Object.entries(parsers)) meter.run(name, text.length, () => parse(text));
      const head = `INVITE ${text.replace(/[\r\n]/g, '')} SIP/2.0\r\nX: ${text.replace(/[\r\n]/g, '')}\r\n\r\n`;
      const buf = Buffer.from(head);
      expectSipResult(meter.run('parseSipMessage', buf.length, () => parseSipMessage(buf, { limits: { maxHeaderLineLength: 1 << 20, maxMessageSize: 1 << 20 } })));
      meter.run('salvageRequestHeaders', buf.length, () => salvageRequestHeaders(buf));
    }
  });
});

describe('SipStreamFramer', () => {
  /** What a framer reports for a byte stream, in a form comparable across split points. */
  function frame(pieces: readonly Buffer[]): string[] {
    const framer = new SipStreamFramer();
    const out: string[] = [];
    for (const p of pieces) {
      for (const item of framer.push(p)) {
        out.push(item.result.ok ? `ok:${serializeSipMessage(item.result.value).toString('base64')}` : `err:${item.result.error.code}:${item.fatal}`);
      }
    }
    return out;
  }

  it('gives the same messages and errors whatever the split points', () => {
    // Two samples back to back, each with its Content-Length made right, then mutated.
    const streams = corpus.map((a, i) => Buffer.concat([a, corpus[(i + 1) % corpus.length]!]));
    fc.assert(
      fc.property(mutatedBytes(streams, { maxSplice: 4096 }), fc.array(fc.nat(), { maxLength: 24 }), (buf, cuts) => {
        const whole = meter.run('SipStreamFramer', buf.length, () => frame([buf]));
        const split = meter.run('SipStreamFramer', buf.length, () => frame(splitPieces(buf, cuts)));
        expect(split).toEqual(whole);
      }),
      { seed: seeds.framer, ...fuzzRuns(600) },
    );
  });
});

describe('resource limits: the limit error comes back, memory stays bounded', () => {
  it('a 10 MB header line', () => {
    const line = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const msg = Buffer.concat([Buffer.from('OPTIONS sip:b@h SIP/2.0\r\nSubject: '), line, Buffer.from('\r\n\r\n')]);
    const r = meter.run('parseSipMessage', msg.length, () => parseSipMessage(msg));
    expect(!r.ok && r.error.code).toBe('ERR_SIP_MESSAGE_TOO_LARGE');
    // With the message limit lifted, the line limit answers.
    const r2 = meter.run('parseSipMessage', msg.length, () => parseSipMessage(msg, { limits: { maxMessageSize: 64 << 20, maxBodySize: 64 << 20 } }));
    expect(!r2.ok && r2.error.code).toBe('ERR_SIP_HEADER_TOO_LONG');
    // A stream framer stops buffering at the message limit: fed 64 KiB at a time it fails after
    // at most limit/64 KiB + 1 pieces and holds nothing afterwards.
    const framer = new SipStreamFramer();
    let pieces = 0;
    let failed: string | undefined;
    for (let i = 0; i < msg.length && failed === undefined; i += 65536) {
      pieces++;
      for (const item of framer.push(msg.subarray(i, i + 65536))) if (!item.result.ok) failed = item.result.error.code;
    }
    expect(failed).toBe('ERR_SIP_MESSAGE_TOO_LARGE');
    expect(pieces).toBeLessThanOrEqual(256 * 1024 / 65536 + 1);
    expect(framer.buffered).toBe(0);
  });

  it('10 000 headers', () => {
    const headers = Array.from({ length: 10_000 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
    const msg = Buffer.from(`OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n${headers}Content-Length: 0\r\n\r\n`);
    const r = meter.run('parseSipMessage', msg.length, () => parseSipMessage(msg));
    expect(!r.ok && r.error.code).toBe('ERR_SIP_TOO_MANY_HEADERS');
    // One header line carrying 10 000 list values counts every value.
    const list = Buffer.from(`OPTIONS sip:b@h SIP/2.0\r\nSupported: ${Array.from({ length: 10_000 }, (_, i) => `t${i}`).join(',')}\r\n\r\n`);
    const r2 = meter.run('parseSipMessage', list.length, () => parseSipMessage(list, { limits: { maxHeaderLineLength: 1 << 20 } }));
    expect(!r2.ok && r2.error.code).toBe('ERR_SIP_TOO_MANY_HEADERS');
  });
});

// ------------------------------------------------------------------------------------------
// Grammar-aware generators: valid messages must round-trip.

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const tokenArb = (min: number, max: number, extra = ''): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...(alnum + extra).split('')), minLength: min, maxLength: max });
const hostArb = fc.oneof(
  fc.array(tokenArb(1, 8), { minLength: 1, maxLength: 4 }).map((l) => l.join('.').toLowerCase()),
  fc.ipV4(),
);
const uriArb = fc
  .record({ user: fc.option(tokenArb(1, 10, '-_.!~*'), { nil: undefined }), host: hostArb, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), tcp: fc.boolean() })
  .map(({ user, host, port, tcp }) => `sip:${user === undefined ? '' : `${user}@`}${host}${port === undefined ? '' : `:${port}`}${tcp ? ';transport=tcp' : ''}`);
/** Printable text without CR/LF, trimmed the way the parser trims; unicode included. */
const textArb = fc
  .string({ unit: fc.oneof(fc.constantFrom(...' !#$%&()*+-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~,"\\'.split('')), fc.constantFrom('é', 'ü', '中', '😀', 'ß', 'Ω')), maxLength: 60 })
  .map((s) => s.trim());
const methodArb = fc.oneof(fc.constantFrom('INVITE', 'OPTIONS', 'BYE', 'CANCEL', 'ACK', 'MESSAGE', 'INFO'), tokenArb(1, 12).map((s) => s.toUpperCase()));

const messageArb: fc.Arbitrary<SipMessage> = fc
  .record({
    request: fc.boolean(),
    method: methodArb,
    uri: uriArb,
    status: fc.integer({ min: 100, max: 699 }),
    reason: textArb,
    viaHost: hostArb,
    branch: tokenArb(1, 16),
    from: uriArb,
    to: uriArb,
    tag: tokenArb(1, 10),
    callId: fc.tuple(tokenArb(1, 20), hostArb).map(([a, b]) => `${a}@${b}`),
    seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    extra: fc.array(fc.tuple(tokenArb(1, 12, '-'), textArb), { maxLength: 8 }),
    body: fc.uint8Array({ maxLength: 1500 }),
  })
  .map((g) => {
    const headers = new SipHeaders([
      { name: 'Via', value: `SIP/2.0/UDP ${g.viaHost};branch=z9hG4bK${g.branch}` },
      { name: 'From', value: `<${g.from}>;tag=${g.tag}` },
      { name: 'To', value: `<${g.to}>` },
      { name: 'Call-ID', value: g.callId },
      { name: 'CSeq', value: `${g.seq} ${g.method}` },
      { name: 'Max-Forwards', value: '70' },
      // X- prefix: a bare one-letter name would be read as a compact form (v: is Via).
      ...g.extra.map(([n, v]) => ({ name: `X-${n}`, value: v })),
      { name: 'Content-Length', value: String(g.body.length) },
    ]);
    const body = Buffer.from(g.body);
    return g.request
      ? { kind: 'request' as const, method: g.method, uri: g.uri, version: 'SIP/2.0', headers, body }
      : { kind: 'response' as const, status: g.status, reason: g.reason, version: 'SIP/2.0', headers, body };
  });

const view = (m: SipMessage): unknown => ({
  ...(m.kind === 'request' ? { method: m.method, uri: m.uri } : { status: m.status, reason: m.reason }),
  headers: [...m.headers].map((f) => [f.name, f.value]),
  body: m.body.toString('base64'),
});

describe('generated valid messages round-trip', () => {
  it('parse(serialize(m)) equals m, over datagram and stream framing', () => {
    fc.assert(
      fc.property(messageArb, fc.array(fc.nat(), { maxLength: 8 }), (message, cuts) => {
        const bytes = serializeSipMessage(message);
        const r = meter.run('parseSipMessage', bytes.length, () => parseSipMessage(bytes));
        expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
        if (!r.ok) return;
        expect(view(r.value)).toEqual(view(message));
        expect(serializeSipMessage(r.value).equals(bytes)).toBe(true);
        // The same bytes through the stream framer, cut anywhere, give the same message.
        const framer = new SipStreamFramer();
        const framed = splitPieces(bytes, cuts).flatMap((p) => framer.push(p));
        expect(framed).toHaveLength(1);
        expect(framed[0]!.result.ok && view(framed[0]!.result.value)).toEqual(view(message));
        // The generated URIs and Via are valid for their own parsers too.
        for (const uri of [message.kind === 'request' ? message.uri : undefined].filter((u) => u !== undefined)) {
          expect(parseSipUri(uri).ok).toBe(true);
        }
        expect(parseVia(message.headers.get('Via')!).ok).toBe(true);
        expect(parseNameAddr(message.headers.get('From')!).ok).toBe(true);
      }),
      { seed: seeds.grammar, ...fuzzRuns(1000) },
    );
  });
});
