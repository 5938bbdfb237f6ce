import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseMultipart,
  parseNameAddr,
  parseSipMessage,
  parseSipUri,
  parseVia,
  serializeSipMessage,
  statusForSipError,
  type SipMessage,
} from '../../../runtime/sip/index.ts';

const corpus = join(import.meta.dirname, '../../corpus/sip');
const load = (name: string): Buffer => readFileSync(join(corpus, name));
const parse = (name: string): SipMessage => {
  const r = parseSipMessage(load(name));
  if (!r.ok) throw r.error;
  return r.value;
};

describe('SIP corpus: valid messages', () => {
  it('expands compact header forms to canonical names', () => {
    const m = parse('valid/compact-forms.sip');
    expect(m.kind).toBe('request');
    expect(m.headers.get('Via')).toBe('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8');
    expect(m.headers.get('call-id')).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.headers.get('Contact')).toBe('<sip:alice@pc33.atlanta.example.com>');
    expect(m.headers.getAll('Supported')).toEqual(['timer', '100rel']);
    expect(m.headers.get('Accept-Contact')).toContain('icsi.oma.cpm.filetransfer');
    expect(m.body.toString()).toBe('v=0\r\n');
    const names = [...m.headers].map((f) => f.name);
    expect(names).toContain('Content-Type');
    expect(names).not.toContain('v');
  });

  it('unfolds continuation lines', () => {
    const m = parse('valid/folded-headers.sip');
    expect(m.headers.get('Subject')).toBe("I know you're there, pick up the phone and talk to me!");
    const from = parseNameAddr(m.headers.get('From')!);
    expect(from.ok && from.value.displayName).toBe('Alice');
    const via = parseVia(m.headers.get('Via')!);
    expect(via.ok && via.value.params['branch']).toBe('z9hG4bKhjhs8ass877');
  });

  it('tolerates odd whitespace and case in names', () => {
    const m = parse('valid/odd-whitespace.sip');
    expect(m.kind === 'request' && m.method).toBe('BYE');
    expect(m.kind === 'request' && m.uri).toBe('sip:bob@192.0.2.4');
    const via = parseVia(m.headers.get('via')!);
    expect(via.ok).toBe(true);
    if (via.ok) {
      expect(via.value.host).toBe('192.0.2.1');
      expect(via.value.port).toBe(5060);
      expect(via.value.params).toEqual({ branch: 'z9hG4bK776sgdkse', rport: null });
    }
    expect(m.headers.get('CSeq')).toBe('2   BYE');
    expect(m.headers.get('Call-ID')).toBe('3848276298220188511@atlanta.example.com');
  });

  it('splits several Via values on one line and keeps order', () => {
    const m = parse('valid/multiple-via-one-line.sip');
    const vias = m.headers.getAll('Via');
    expect(vias).toHaveLength(3);
    expect(vias[0]).toContain('server10.biloxi.example.com');
    expect(vias[2]).toContain('pc33.atlanta.example.com');
    expect(m.headers.getAll('Record-Route')).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    expect(m.kind === 'response' && m.status).toBe(200);
  });

  it('does not split at commas inside quotes or angle brackets', () => {
    const m = parse('valid/quoted-commas.sip');
    const contacts = m.headers.getAll('Contact');
    expect(contacts).toHaveLength(2);
    const first = parseNameAddr(contacts[0]!);
    expect(first.ok && first.value.displayName).toBe('Alice, at work');
    expect(first.ok && first.value.params['expires']).toBe('60');
    const second = parseNameAddr(contacts[1]!);
    expect(second.ok && second.value.uri).toBe('sip:alice@mobile.example.com?Subject=a,b');
    const from = parseNameAddr(m.headers.get('From')!);
    expect(from.ok && from.value.displayName).toBe('Smith, Alice <Sales>');
  });

  it('parses IPv6 references in URIs and Via', () => {
    const m = parse('valid/ipv6.sip');
    const uri = parseSipUri(m.kind === 'request' ? m.uri : '');
    expect(uri.ok && uri.value.host).toBe('2001:db8::10');
    const via = parseVia(m.headers.get('Via')!);
    expect(via.ok && via.value.host).toBe('2001:db8::9:1');
    expect(via.ok && via.value.port).toBe(6050);
    const contact = parseNameAddr(m.headers.get('Contact')!);
    const curi = contact.ok ? parseSipUri(contact.value.uri) : undefined;
    expect(curi?.ok && curi.value).toMatchObject({ user: 'alice', host: '2001:db8::9:1', port: 6050, params: { transport: 'udp' } });
  });

  it('parses a multipart/mixed body with part headers', () => {
    const m = parse('valid/multipart-body.sip');
    const parts = parseMultipart(m.body, m.headers.get('Content-Type')!);
    expect(parts.ok).toBe(true);
    if (!parts.ok) return;
    expect(parts.value).toHaveLength(2);
    expect(parts.value[0]!.headers.get('Content-Type')).toBe('application/sdp');
    expect(parts.value[0]!.body.toString()).toBe('v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.1');
    expect(parts.value[1]!.headers.get('Content-Disposition')).toBe('recipient-list');
    expect(parts.value[1]!.headers.get('Content-ID')).toBe('<list@example.com>');
    expect(parts.value[1]!.body.toString()).toBe('<?xml version="1.0"?><resource-lists/>');
  });

  it('accepts bare LF line ends', () => {
    const m = parse('valid/bare-lf.sip');
    expect(m.kind === 'response' && m.reason).toBe('Ringing');
    expect(m.headers.get('To')).toBe('<sip:b@example.com>;tag=2');
  });

  it.each(readdirSync(join(corpus, 'valid')))('round-trips %s through the serializer', (name) => {
    const first = parse(`valid/${name}`);
    const bytes = serializeSipMessage(first);
    const text = bytes.toString('latin1');
    expect(text).toMatch(/^\S.*\r\n/);
    expect(text).not.toMatch(/[^\r]\n/);
    const again = parseSipMessage(bytes, { stream: true });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect([...again.value.headers]).toEqual([...first.headers].filter((f) => f.name !== 'Content-Length').concat([{ name: 'Content-Length', value: String(first.body.length) }]));
    expect(again.value.body.equals(first.body)).toBe(true);
    // Canonical output is a fixed point.
    expect(serializeSipMessage(again.value).equals(bytes)).toBe(true);
  });
});

describe('SIP corpus: invalid messages', () => {
  const expected = JSON.parse(load('invalid/expected.json').toString()) as Record<string, { code: string; status: number; line?: number }>;
  it.each(Object.entries(expected))('%s fails with the expected code', (name, want) => {
    const r = parseSipMessage(load(`invalid/${name}`));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(want.code);
    expect(statusForSipError(r.error.code)).toBe(want.status);
    if (want.line !== undefined) expect(r.error.location?.line).toBe(want.line);
  });
});
