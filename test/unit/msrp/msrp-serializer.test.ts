import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bodyContainsEndLine, chooseTransactionId, chunkHeadSerializer, serializeReport, serializeRequest, serializeRequestHead, serializeResponse } from '../../../runtime/msrp/syntax/msrp-serializer.ts';
import { parseMsrpUri } from '../../../runtime/msrp/msrp-uri.ts';
import { parsePieces } from './collect.ts';

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };
const bob = uri('msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp');
const alice = uri('msrp://atlanta.example.com:7654/jshA7weztas;tcp');

describe('MSRP serializer', () => {
  it('writes the corpus SEND byte for byte', () => {
    const wire = Buffer.concat(serializeRequest({ transactionId: 'a786hjs2', method: 'SEND', toPath: [bob], fromPath: [alice], messageId: '87652491', byteRange: { start: 1, end: 25, total: 25 }, contentType: 'text/plain' }, [Buffer.from('Hey Bob, are you there?')]));
    expect(wire.equals(readFileSync(new URL('../../corpus/msrp/send-text.msrp', import.meta.url)))).toBe(true);
  });

  it('round-trips requests, responses and reports through the parser', () => {
    const body = [Buffer.from('part one -------'), Buffer.from('tid? \r\n'), Buffer.alloc(0), Buffer.from([0, 255, 45, 45])];
    const send = serializeRequest({ transactionId: 'r0und7r1p', method: 'SEND', toPath: [bob], fromPath: [alice], messageId: 'm', byteRange: { start: 5, end: '*', total: '*' }, failureReport: 'partial', successReport: 'yes', contentType: 'application/octet-stream' }, body, '+');
    const codes = [200, 400, 403, 408, 413, 415, 423, 481, 501, 506];
    const responses = codes.map((status) => serializeResponse({ transactionId: `resp${status}`, status, toPath: [alice], fromPath: [bob] }));
    const report = serializeReport({ transactionId: 'rep1234', toPath: [alice], fromPath: [bob], messageId: 'm', byteRange: { start: 1, end: 10, total: 10 }, status: { namespace: 0, code: 413, reason: 'Message Too Large' } });
    const { messages, error } = parsePieces([...send, ...responses, report]);
    expect(error).toBeUndefined();
    const s = messages[0]!;
    expect(s.body.equals(Buffer.concat(body))).toBe(true);
    expect(s.flag).toBe('+');
    expect(s.head.headers).toMatchObject({ messageId: 'm', failureReport: 'partial', successReport: 'yes', byteRange: { start: 5, end: '*', total: '*' } });
    expect(messages.slice(1, 11).map((m) => (m.head.kind === 'response' ? `${m.head.status} ${m.head.comment}` : ''))).toEqual([
      '200 OK', '400 Bad Request', '403 Forbidden', '408 Request Timeout', '413 Message Too Large', '415 Unsupported Media Type',
      '423 Interval Out-of-Bounds', '481 Session Does Not Exist', '501 Unknown Method', '506 Session Already Bound',
    ]);
    expect(messages[11]!.head.headers.status).toEqual({ namespace: 0, code: 413, reason: 'Message Too Large' });
  });

  it('formats chunk heads from a per-message template to the same bytes as serializeRequestHead', () => {
    const relay = uri('msrps://relay.example.com:2855/r3l4y;tcp');
    const variants = [
      { method: 'SEND', toPath: [bob], fromPath: [alice], messageId: 'm1', contentType: 'application/octet-stream' },
      { method: 'SEND', toPath: [relay, bob], fromPath: [alice], messageId: 'm2', successReport: 'yes' as const, failureReport: 'partial' as const, contentType: 'image/jpeg' },
      { method: 'SEND', toPath: [bob], fromPath: [alice], messageId: 'm3', failureReport: 'no' as const, extraHeaders: [['X-Extra', 'v']] as const, contentType: 'text/plain; charset=utf-8' },
    ];
    const ranges = [{ start: 1, end: 262144, total: 1048576 }, { start: 786433, end: 1048576, total: 1048576 }, { start: 5, end: '*' as const, total: '*' as const }];
    for (const init of variants) {
      const head = chunkHeadSerializer(init);
      for (const [i, byteRange] of ranges.entries()) {
        const transactionId = `tid${i}x${init.messageId}`;
        expect(head(transactionId, byteRange).toString('latin1')).toBe(serializeRequestHead({ ...init, transactionId, byteRange }).toString('latin1'));
      }
    }
  });

  it('picks a transaction id whose end-line is not in the body, also across buffer seams', () => {
    const ids = ['aaaa1111', 'bbbb2222', 'cccc3333'];
    const body = [Buffer.from('x-------aaa'), Buffer.from('a1'), Buffer.from('111 y -------bbbb2222')];
    expect(bodyContainsEndLine(body, 'aaaa1111')).toBe(true);
    expect(bodyContainsEndLine(body, 'bbbb2222')).toBe(true);
    expect(chooseTransactionId(body, () => ids.shift()!)).toBe('cccc3333');
    // The longest ident RFC 4975 §9 allows: the longer the end-line, the cheaper both ends' scan.
    expect(chooseTransactionId([])).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives up with a coded CpmError when every drawn id occurs in the body', () => {
    let draws = 0;
    const error = (() => { try { chooseTransactionId([Buffer.from('-------same')], () => { draws++; return 'same'; }); } catch (e) { return e; } return undefined; })();
    expect(error).toMatchObject({ name: 'CpmError', code: 'ERR_MSRP_TRANSACTION_ID' });
    expect(draws).toBe(1002);
  });
});
