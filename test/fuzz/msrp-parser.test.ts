// Property-based fuzzing of the MSRP syntax layer: the incremental parser and the URI parser.
// Nothing escapes feed() (it returns a Result), the events are the same whatever the read
// boundaries, the head limits answer for huge lines and header floods, and generated messages
// come back exactly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMsrpPath, formatMsrpUri, parseMsrpPath, parseMsrpUri, type MsrpUri } from '../../runtime/msrp/msrp-uri.ts';
import { MsrpParser, type ContinuationFlag } from '../../runtime/msrp/syntax/msrp-parser.ts';
import { MsrpParseError } from '../../runtime/msrp/syntax/msrp-parse-error.ts';
import { chooseTransactionId, serializeRequest, serializeResponse } from '../../runtime/msrp/syntax/msrp-serializer.ts';
import { CpmError } from '../../runtime/errors.ts';
import { FuzzMeter } from '../helpers/fuzz-meter.ts';
import { mutatedBytes, splitPieces } from '../helpers/fuzz-mutate.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const meter = new FuzzMeter();
afterAll(() => console.log(meter.summary('msrp')));

const corpusDir = join(import.meta.dirname, '../corpus/msrp');
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.msrp')).map((f) => readFileSync(join(corpusDir, f)));
// Whole conversations: every sample followed by the next one on the same connection.
const streams = corpus.map((a, i) => Buffer.concat([a, corpus[(i + 1) % corpus.length]!, corpus[(i + 2) % corpus.length]!]));
const seeds = { random: 0x3590, mutated: 0x3591, uri: 0x3592, grammar: 0x3593 };

type Event = readonly [kind: string, detail: string];

/** Feeds the pieces and records events; adjacent body slices are merged (slicing is free). */
function run(pieces: readonly Buffer[]): Event[] {
  const events: Event[] = [];
  const parser = new MsrpParser({
    head: (h) =>
      events.push(['head', JSON.stringify(h.kind === 'request'
        ? [h.transactionId, h.method, h.hasBody, h.headers.raw]
        : [h.transactionId, h.status, h.comment ?? null, h.hasBody, h.headers.raw])]),
    body: (data) => {
      const last = events.at(-1);
      if (last?.[0] === 'body') events[events.length - 1] = ['body', last[1] + data.toString('hex')];
      else events.push(['body', data.toString('hex')]);
    },
    end: (flag) => events.push(['end', flag]),
  });
  for (const p of pieces) {
    const r = parser.feed(p);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(MsrpParseError);
      expect(r.error.code).toBe('ERR_MSRP_PARSE');
      events.push(['error', `${r.error.reason}@${r.error.location?.offset}`]);
      // A failed parser stays failed and reports the same error.
      const again = parser.feed(Buffer.from('MSRP a SEND\r\n'));
      expect(!again.ok && again.error).toBe(r.error);
      break;
    }
  }
  return events;
}

function sameEventsAnySplit(buf: Buffer, cuts: readonly number[]): void {
  const whole = meter.run('MsrpParser', buf.length, () => run([buf]));
  const split = meter.run('MsrpParser', buf.length, () => run(splitPieces(buf, cuts)));
  expect(split).toEqual(whole);
}

describe('MsrpParser: no exception, same events whatever the split points', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.nat(), { maxLength: 16 }), (bytes, cuts) => sameEventsAnySplit(Buffer.from(bytes), cuts)),
      { seed: seeds.random, ...fuzzRuns(1000) },
    );
  });

  it('MSRP-alphabet strings', () => {
    const alphabet = fc.constantFrom(...'MSRP a1 SEND 200 OK\r\nTo-Path: msrp://h:1/s;tcp From-Path: Byte-Range: 1-*/5 Content-Type: t/p -------a1$+#'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 600 }), fc.array(fc.nat(), { maxLength: 16 }), (text, cuts) => sameEventsAnySplit(Buffer.from(text, 'latin1'), cuts)),
      { seed: seeds.random + 1, ...fuzzRuns(1000) },
    );
  });

  it('mutated corpus conversations (including 64 KiB splices and one-byte reads)', () => {
    fc.assert(
      fc.property(mutatedBytes(streams), fc.array(fc.nat(), { maxLength: 32 }), (buf, cuts) => {
        sameEventsAnySplit(buf, cuts);
        // One byte per read as well, for the smaller inputs (the worst case for held-back tails).
        if (buf.length <= 4096) {
          const bytes = [...buf].map((b) => Buffer.from([b]));
          expect(meter.run('MsrpParser', buf.length, () => run(bytes))).toEqual(run([buf]));
        }
      }),
      { seed: seeds.mutated, ...fuzzRuns(1500) },
    );
  });
});

describe('head limits: the limit error comes back at once', () => {
  const feedUntilError = (limitsFeed: (p: MsrpParser) => Buffer | undefined): { reason: string | undefined; reads: number } => {
    const parser = new MsrpParser({ head: () => {}, body: () => {}, end: () => {} });
    let reads = 0;
    for (let chunk = limitsFeed(parser); chunk !== undefined; chunk = limitsFeed(parser)) {
      reads++;
      const r = meter.run('MsrpParser', chunk.length, () => parser.feed(chunk));
      if (!r.ok) return { reason: r.error.reason, reads };
    }
    return { reason: undefined, reads };
  };

  it('a 10 MB header line fed 64 KiB at a time fails on the first read', () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = (10 * 1024 * 1024) / chunk.length;
    let sent = 0;
    const first = Buffer.from('MSRP a1 SEND\r\nTo-Path: msrp://h:1/s;tcp\r\nX-Big: ');
    const r = feedUntilError(() => (sent++ === 0 ? first : sent > total ? undefined : chunk));
    expect(r.reason).toBe('line-too-long');
    expect(r.reads).toBe(2);
  });

  it('10 000 headers fail at the header count limit', () => {
    const lines = [Buffer.from('MSRP a1 SEND\r\nTo-Path: msrp://h:1/s;tcp\r\n'), ...Array.from({ length: 10_000 }, (_, i) => Buffer.from(`X-H${i}: ${i}\r\n`))];
    let i = 0;
    const r = feedUntilError(() => lines[i++]);
    expect(r.reason).toBe('too-many-headers');
    expect(r.reads).toBeLessThanOrEqual(66);
  });

  it('a 10 MB start line and a 10 MB run of tiny header lines stop at their limits', () => {
    const start = feedUntilError((() => { let n = 0; const c = Buffer.alloc(65536, 0x41); return () => (n++ < 160 ? c : undefined); })());
    expect(start.reason).toBe('line-too-long');
    expect(start.reads).toBe(1);
    const head = [Buffer.from('MSRP a1 SEND\r\n'), ...Array.from({ length: 40 }, () => Buffer.from(`X: ${'y'.repeat(4000)}\r\n`))];
    let i = 0;
    const r = feedUntilError(() => head[i++]);
    expect(r.reason).toBe('head-too-large');
  });
});

// ------------------------------------------------------------------------------------------
// URIs

const tok = (min: number, max: number, extra = ''): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...`abcxyzABCXYZ0123456789${extra}`.split('')), minLength: min, maxLength: max });
const uriArb: fc.Arbitrary<MsrpUri> = fc
  .record({
    scheme: fc.constantFrom('msrp' as const, 'msrps' as const),
    user: fc.option(tok(1, 8, '-._'), { nil: undefined }),
    host: fc.oneof(fc.array(tok(1, 8, '-'), { minLength: 1, maxLength: 3 }).map((l) => l.join('.')), fc.ipV4(), fc.ipV6().map((h) => `[${h}]`)),
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    sessionId: fc.option(tok(1, 24, '-._~+=/%'), { nil: undefined }),
    transport: fc.constantFrom('tcp', 'TCP', 'ws'),
    params: fc.array(tok(1, 8, '=-'), { maxLength: 2 }),
  })
  .map(({ user, port, sessionId, ...rest }) => ({ ...rest, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }), ...(sessionId === undefined ? {} : { sessionId }) }));

describe('MSRP URIs', () => {
  it('any string: parseMsrpUri / parseMsrpPath return a Result', () => {
    const uriish = fc.string({ unit: fc.constantFrom(...'msrps://a@h[::1]:2855/s;tcp; =%'.split('')), maxLength: 120 });
    fc.assert(
      fc.property(fc.oneof(uriish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        for (const [name, parse] of [['parseMsrpUri', parseMsrpUri], ['parseMsrpPath', parseMsrpPath]] as const) {
          const r = meter.run(name, text.length, () => parse(text));
          if (!r.ok) expect(r.error).toBeInstanceOf(CpmError);
        }
      }),
      { seed: seeds.uri, ...fuzzRuns(2000) },
    );
    const n = 64 * 1024;
    for (const text of [`msrp://${'a'.repeat(n)}`, `msrp://${'@'.repeat(n)}`, `msrp://h/${'/'.repeat(n)}`, `msrp://h;tcp${';a'.repeat(n / 2)} `, `msrp://[${':'.repeat(n)}`, `${'msrp://h;tcp '.repeat(n / 13)}x`]) {
      meter.run('parseMsrpUri', text.length, () => parseMsrpUri(text));
      meter.run('parseMsrpPath', text.length, () => parseMsrpPath(text));
    }
  });

  it('generated URIs and paths round-trip', () => {
    fc.assert(
      fc.property(fc.array(uriArb, { minLength: 1, maxLength: 4 }), (path) => {
        const text = formatMsrpPath(path);
        const r = meter.run('parseMsrpPath', text.length, () => parseMsrpPath(text));
        expect(r.ok && r.value, text).toEqual(path);
        if (r.ok) expect(r.value.map(formatMsrpUri).join(' ')).toBe(text);
      }),
      { seed: seeds.uri + 1, ...fuzzRuns(1000) },
    );
  });
});

// ------------------------------------------------------------------------------------------
// Generated messages

interface GeneratedMessage {
  readonly bytes: Buffer;
  readonly expected: Event[];
}

const flagArb = fc.constantFrom<ContinuationFlag>('$', '+', '#');
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  // Bodies full of end-line look-alikes.
  fc.array(fc.constantFrom('\r\n-------', '-------', '\r\n', '$', '+', '#', 'abc', '\r\n-------x$\r\n'), { maxLength: 60 }).map((a) => Buffer.from(a.join(''), 'latin1')),
);
const requestArb: fc.Arbitrary<GeneratedMessage> = fc
  .record({
    method: fc.oneof(fc.constantFrom('SEND', 'REPORT', 'AUTH'), tok(1, 10).map((s) => s.toUpperCase().replace(/[^A-Z]/g, 'X'))),
    to: fc.array(uriArb, { minLength: 1, maxLength: 3 }),
    from: fc.array(uriArb, { minLength: 1, maxLength: 3 }),
    messageId: fc.option(tok(1, 16), { nil: undefined }),
    range: fc.option(fc.tuple(fc.integer({ min: 1, max: 1e9 }), fc.boolean(), fc.boolean()), { nil: undefined }),
    contentType: fc.option(fc.constantFrom('text/plain', 'application/octet-stream', 'message/cpim'), { nil: undefined }),
    body: bodyArb,
    flag: flagArb,
    tidDraw: tok(4, 20),
  })
  .map((g) => {
    const body = g.contentType === undefined ? [] : [g.body];
    const tid = chooseTransactionId(body, (() => { let n = 0; return () => `${g.tidDraw}${n++ === 0 ? '' : n}`; })());
    const byteRange = g.range === undefined ? undefined : { start: g.range[0], end: g.range[1] ? ('*' as const) : g.range[0] + g.body.length - 1, total: g.range[2] ? ('*' as const) : g.range[0] + g.body.length + 5 };
    const init = {
      transactionId: tid, method: g.method, toPath: g.to, fromPath: g.from,
      ...(g.messageId === undefined ? {} : { messageId: g.messageId }),
      ...(byteRange === undefined ? {} : { byteRange }),
      ...(g.contentType === undefined ? {} : { contentType: g.contentType }),
    };
    const bytes = Buffer.concat(serializeRequest(init, body, g.flag));
    const raw: [string, string][] = [['To-Path', formatMsrpPath(g.to)], ['From-Path', formatMsrpPath(g.from)]];
    if (g.messageId !== undefined) raw.push(['Message-ID', g.messageId]);
    if (byteRange !== undefined) raw.push(['Byte-Range', `${byteRange.start}-${byteRange.end}/${byteRange.total}`]);
    if (g.contentType !== undefined) raw.push(['Content-Type', g.contentType]);
    const expected: Event[] = [['head', JSON.stringify([tid, g.method, g.contentType !== undefined, raw])]];
    if (g.contentType !== undefined && g.body.length > 0) expected.push(['body', g.body.toString('hex')]);
    expected.push(['end', g.flag]);
    return { bytes, expected };
  });
const responseArb: fc.Arbitrary<GeneratedMessage> = fc
  .record({ tid: tok(4, 20), status: fc.constantFrom(200, 400, 403, 408, 413, 415, 423, 481, 501, 506), to: fc.array(uriArb, { minLength: 1, maxLength: 2 }), from: fc.array(uriArb, { minLength: 1, maxLength: 2 }) })
  .map((g) => {
    const bytes = serializeResponse({ transactionId: g.tid, status: g.status, toPath: g.to, fromPath: g.from });
    const comment = /^MSRP \S+ \d{3}(?: (.*))?\r\n/.exec(bytes.toString('latin1'))?.[1] ?? null;
    const raw = [['To-Path', formatMsrpPath(g.to)], ['From-Path', formatMsrpPath(g.from)]];
    return { bytes, expected: [['head', JSON.stringify([g.tid, g.status, comment, false, raw])], ['end', '$']] as Event[] };
  });

describe('generated messages come back exactly, whatever the read boundaries', () => {
  it('a pipelined stream of requests and responses', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(requestArb, responseArb), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (messages, cuts) => {
        const wire = Buffer.concat(messages.map((m) => m.bytes));
        const events = meter.run('MsrpParser', wire.length, () => run(splitPieces(wire, cuts)));
        expect(events).toEqual(messages.flatMap((m) => m.expected));
      }),
      { seed: seeds.grammar, ...fuzzRuns(800) },
    );
  });
});
