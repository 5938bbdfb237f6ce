import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePieces } from './collect.ts';

const corpus = (name: string) => readFileSync(new URL(`../../corpus/msrp/${name}`, import.meta.url));

function everySplit(wire: Buffer, check: (pieces: Buffer[]) => void) {
  check([wire]);
  for (let i = 1; i < wire.length; i++) check([wire.subarray(0, i), wire.subarray(i)]);
}

describe('MsrpParser', () => {
  it('parses a text SEND from the corpus at every split point', () => {
    const wire = corpus('send-text.msrp');
    everySplit(wire, (pieces) => {
      const { messages, error } = parsePieces(pieces);
      expect(error).toBeUndefined();
      expect(messages).toHaveLength(1);
      const m = messages[0]!;
      expect(m.head.kind).toBe('request');
      if (m.head.kind !== 'request') return;
      expect(m.head.method).toBe('SEND');
      expect(m.head.transactionId).toBe('a786hjs2');
      expect(m.head.headers.messageId).toBe('87652491');
      expect(m.head.headers.byteRange).toEqual({ start: 1, end: 25, total: 25 });
      expect(m.head.headers.toPath[0]?.sessionId).toBe('kjhd37s2s20w2a');
      expect(m.body.toString()).toBe('Hey Bob, are you there?');
      expect(m.flag).toBe('$');
    });
  });

  it('is not fooled by dashes, foreign end-lines and an end-line prefix split across reads', () => {
    const wire = corpus('send-interrupted-dashes.msrp');
    // Every split into two and a sample of splits into three pieces.
    everySplit(wire, (pieces) => {
      const { messages, error } = parsePieces(pieces);
      expect(error).toBeUndefined();
      expect(messages).toHaveLength(1);
      expect(messages[0]!.body.toString('latin1')).toBe('abc-------d93kswo-------d93kswowX\r\n-------d93kswox$\r\n\r\n--');
      expect(messages[0]!.flag).toBe('+');
      expect(messages[0]!.head.headers.byteRange).toEqual({ start: 1, end: '*', total: '*' });
    });
    for (let i = 1; i < wire.length; i += 3) {
      for (let j = i + 1; j < wire.length; j += 2) {
        const { messages } = parsePieces([wire.subarray(0, i), wire.subarray(i, j), wire.subarray(j)]);
        expect(messages[0]!.body.length).toBe(57);
      }
    }
  });

  it('streams a binary body byte by byte without merging it', () => {
    const body = Buffer.alloc(300);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 256;
    body.write('\r\n-------abcd1234', 100, 'latin1'); // own tid without a flag
    body.write('\r\n-------abcd1234x\r\n', 150, 'latin1'); // own tid, bad flag
    body.write('\r\n-------abcd1234$\n', 200, 'latin1'); // flag without CR
    const head = Buffer.from('MSRP abcd1234 SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nFrom-Path: msrp://a:2/t;tcp\r\nMessage-ID: q\r\nContent-Type: application/octet-stream\r\n\r\n');
    const wire = Buffer.concat([head, body, Buffer.from('\r\n-------abcd1234#\r\n')]);
    const bytes = [...wire].map((b) => Buffer.from([b]));
    const { messages, error } = parsePieces(bytes);
    expect(error).toBeUndefined();
    expect(messages[0]!.body.equals(body)).toBe(true);
    expect(messages[0]!.flag).toBe('#');
  });

  it('hands out body slices that are views of the fed buffer', () => {
    const wire = corpus('send-text.msrp');
    const slices: Buffer[] = [];
    const { MsrpParser } = require_parser();
    const parser = new MsrpParser({ head: () => {}, body: (d: Buffer) => slices.push(d), end: () => {} });
    expect(parser.feed(wire).ok).toBe(true);
    expect(slices).toHaveLength(1);
    expect(slices[0]!.buffer).toBe(wire.buffer);
  });

  it('parses several packed messages from one read, then split at every point', () => {
    const names = ['send-text.msrp', 'response-200.msrp', 'report-success.msrp', 'send-bind-empty.msrp', 'send-interrupted-dashes.msrp', 'auth-request.msrp', 'auth-200-use-path.msrp'];
    const wire = Buffer.concat(names.map(corpus));
    everySplit(wire, (pieces) => {
      const { messages, error } = parsePieces(pieces);
      expect(error).toBeUndefined();
      expect(messages.map((m) => (m.head.kind === 'request' ? m.head.method : m.head.status))).toEqual(['SEND', 200, 'REPORT', 'SEND', 'SEND', 'AUTH', 200]);
    });
    const { messages } = parsePieces([wire]);
    const report = messages[2]!.head.headers;
    expect(report.status).toEqual({ namespace: 0, code: 200, reason: 'OK' });
    expect(messages[3]!.head.hasBody).toBe(false);
    expect(messages[3]!.head.headers.byteRange).toEqual({ start: 1, end: 0, total: 0 });
    expect(messages[5]!.head.headers.authorization[0]).toMatch(/^Digest username="alice"/);
    expect(messages[5]!.head.headers.expires).toBe(900);
    expect(messages[6]!.head.headers.usePath?.[0]?.sessionId).toBe('jui787s2f');
    expect(messages[1]!.head.kind === 'response' && messages[1]!.head.comment).toBe('OK');
  });

  it('keeps unknown headers in the raw list', () => {
    const wire = Buffer.from('MSRP abcd SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nFrom-Path: msrp://a:2/t;tcp\r\nX-Thing: 42\r\n-------abcd$\r\n');
    const { messages } = parsePieces([wire]);
    expect(messages[0]!.head.headers.raw).toContainEqual(['X-Thing', '42']);
  });

  const malformed: [string, string, string][] = [
    ['bad start line', 'HTTP/1.1 200 OK\r\n', 'start-line'],
    ['missing To-Path', 'MSRP abcd SEND\r\nFrom-Path: msrp://a:2/t;tcp\r\n-------abcd$\r\n', 'header'],
    ['bad Byte-Range', 'MSRP abcd SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nFrom-Path: msrp://a:2/t;tcp\r\nByte-Range: 0-3/3\r\n-------abcd$\r\n', 'header'],
    ['bad path URI', 'MSRP abcd SEND\r\nTo-Path: http://b/\r\nFrom-Path: msrp://a:2/t;tcp\r\n-------abcd$\r\n', 'header'],
    ['header without colon', 'MSRP abcd SEND\r\nGarbage line\r\n', 'header-line'],
    ['bare LF', 'MSRP abcd SEND\n', 'header-line'],
    ['end-line for another tid', 'MSRP abcd SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nFrom-Path: msrp://a:2/t;tcp\r\n-------abce$\r\n', 'end-line'],
  ];
  for (const [title, text, reason] of malformed) {
    it(`rejects ${title} with ERR_MSRP_PARSE (${reason})`, () => {
      const { error } = parsePieces([Buffer.from(text)]);
      expect(error?.code).toBe('ERR_MSRP_PARSE');
      expect(error?.reason).toBe(reason);
      expect(typeof error?.location?.offset).toBe('number');
    });
  }

  it('enforces line, header count and header block limits', () => {
    const long = `MSRP abcd SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nX: ${'y'.repeat(200)}\r\n`;
    expect(parsePieces([Buffer.from(long)], { maxLineLength: 100 }).error?.reason).toBe('line-too-long');
    const many = `MSRP abcd SEND\r\n${'X: 1\r\n'.repeat(10)}`;
    const r = parsePieces([Buffer.from(many)], { maxHeaderCount: 5 });
    expect(r.error?.reason).toBe('too-many-headers');
    expect(r.error?.transactionId).toBe('abcd');
    expect(r.error?.method).toBe('SEND');
    expect(parsePieces([Buffer.from(many)], { maxHeadBytes: 40 }).error?.reason).toBe('head-too-large');
    // A line that never ends is caught before it is complete.
    expect(parsePieces([Buffer.from('MSRP abcd SEND\r\nX: '), Buffer.alloc(5000, 0x61)]).error?.reason).toBe('line-too-long');
  });

  it('reports the stream offset of an error in a later read', () => {
    const good = corpus('response-200.msrp');
    const { error, messages } = parsePieces([good, Buffer.from('MSRP x\r\n')]);
    expect(messages).toHaveLength(1);
    expect(error?.location?.offset).toBeGreaterThanOrEqual(good.length);
  });
});

import * as parserModule from '../../../runtime/msrp/syntax/msrp-parser.ts';
function require_parser() { return parserModule; }
