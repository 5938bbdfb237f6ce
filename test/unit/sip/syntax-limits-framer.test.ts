import { describe, expect, it } from 'vitest';
import {
  buildMultipart,
  formatSipUri,
  parseMultipart,
  parseSipMessage,
  parseSipUri,
  SipHeaders,
  SipStreamFramer,
  statusForSipError,
} from '../../../runtime/sip/index.ts';

const msg = (extra = '', body = ''): string =>
  `OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bKf1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: f1\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('parser limits', () => {
  it('reports distinct codes for line length, header count, message and body size', () => {
    const long = parseSipMessage(Buffer.from(msg(`Subject: ${'x'.repeat(100)}\r\n`)), { limits: { maxHeaderLineLength: 50 } });
    expect(!long.ok && long.error.code).toBe('ERR_SIP_HEADER_TOO_LONG');
    const many = parseSipMessage(Buffer.from(msg('X-A: 1\r\nX-B: 2\r\nX-C: 3\r\n')), { limits: { maxHeaderCount: 7 } });
    expect(!many.ok && many.error.code).toBe('ERR_SIP_TOO_MANY_HEADERS');
    const big = parseSipMessage(Buffer.from(msg('', 'y'.repeat(500))), { limits: { maxMessageSize: 400 } });
    expect(!big.ok && big.error.code).toBe('ERR_SIP_MESSAGE_TOO_LARGE');
    expect(statusForSipError('ERR_SIP_MESSAGE_TOO_LARGE')).toBe(513);
    const body = parseSipMessage(Buffer.from(msg('', 'y'.repeat(500))), { limits: { maxBodySize: 100 } });
    expect(!body.ok && body.error.code).toBe('ERR_SIP_BODY_TOO_LARGE');
    expect(statusForSipError('ERR_SIP_BODY_TOO_LARGE')).toBe(413);
  });

  it('requires Content-Length on streams only', () => {
    const noCl = Buffer.from(msg().replace(/Content-Length: 0\r\n/, ''));
    expect(parseSipMessage(noCl).ok).toBe(true);
    const r = parseSipMessage(noCl, { stream: true });
    expect(!r.ok && r.error.code).toBe('ERR_SIP_CONTENT_LENGTH');
  });
});

describe('SipStreamFramer', () => {
  it('frames messages split across chunks, skipping CRLF keep-alives', () => {
    const framer = new SipStreamFramer();
    const wire = Buffer.from(`\r\n\r\n${msg('', 'hello')}\r\n${msg('', 'world!')}`);
    const out = [];
    for (let i = 0; i < wire.length; i += 7) out.push(...framer.push(wire.subarray(i, i + 7)));
    expect(out).toHaveLength(2);
    expect(out.map((o) => (o.result.ok ? o.result.value.body.toString() : o.result.error.code))).toEqual(['hello', 'world!']);
    expect(framer.buffered).toBe(0);
  });

  it('fails fatally on a missing Content-Length and stops', () => {
    const framer = new SipStreamFramer();
    const out = framer.push(Buffer.from(msg().replace(/Content-Length: 0\r\n/, '')));
    expect(out).toHaveLength(1);
    expect(out[0]!.fatal).toBe(true);
    expect(!out[0]!.result.ok && out[0]!.result.error.code).toBe('ERR_SIP_CONTENT_LENGTH');
    expect(framer.push(Buffer.from(msg()))).toEqual([]);
  });

  it('bounds the buffered header section', () => {
    const framer = new SipStreamFramer({ maxMessageSize: 100 });
    const out = framer.push(Buffer.from(`OPTIONS sip:x SIP/2.0\r\nSubject: ${'z'.repeat(200)}`));
    expect(!out[0]!.result.ok && out[0]!.result.error.code).toBe('ERR_SIP_MESSAGE_TOO_LARGE');
  });
});

describe('SIP URI', () => {
  it('parses user, password, host, port, params and headers and formats them back', () => {
    const r = parseSipUri('sips:alice:secret@atlanta.example.com:5061;transport=tls;lr;maddr=239.255.255.1?subject=project&priority=urgent');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: 'atlanta.example.com',
      port: 5061,
      params: { transport: 'tls', lr: null, maddr: '239.255.255.1' },
      headers: { subject: 'project', priority: 'urgent' },
    });
    expect(formatSipUri(r.value)).toBe('sips:alice:secret@atlanta.example.com:5061;transport=tls;lr;maddr=239.255.255.1?subject=project&priority=urgent');
    const v6 = parseSipUri('<sip:[::1]:5070;transport=tcp>');
    expect(v6.ok && formatSipUri(v6.value)).toBe('sip:[::1]:5070;transport=tcp');
  });

  it('rejects other schemes and bad ports with codes', () => {
    const tel = parseSipUri('tel:+15551234');
    expect(!tel.ok && tel.error.code).toBe('ERR_SIP_URI_SCHEME');
    const port = parseSipUri('sip:a@b:99999');
    expect(!port.ok && port.error.code).toBe('ERR_SIP_PARSE');
  });
});

describe('multipart build', () => {
  it('builds a body that parses back to the same parts', () => {
    const parts = [
      { headers: new SipHeaders().append('Content-Type', 'application/sdp'), body: Buffer.from('v=0\r\n') },
      {
        headers: new SipHeaders().append('Content-Type', 'application/resource-lists+xml').append('Content-Disposition', 'recipient-list'),
        body: Buffer.from('<resource-lists/>'),
      },
    ];
    const built = buildMultipart(parts);
    expect(built.contentType).toMatch(/^multipart\/mixed;boundary=cpm-/);
    const back = parseMultipart(built.body, built.contentType);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value.map((p) => [p.headers.get('Content-Type'), p.body.toString()])).toEqual([
      ['application/sdp', 'v=0\r\n'],
      ['application/resource-lists+xml', '<resource-lists/>'],
    ]);
    expect(back.value[1]!.headers.get('Content-Disposition')).toBe('recipient-list');
  });
});
