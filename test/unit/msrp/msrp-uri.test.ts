import { describe, expect, it } from 'vitest';
import { formatMsrpUri, msrpUriEquals, parseMsrpPath, parseMsrpUri } from '../../../runtime/msrp/msrp-uri.ts';

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };

describe('MSRP URIs (RFC 4975 §6, §9)', () => {
  it('parses and formats msrp and msrps URIs', () => {
    const u = uri('msrp://alice@Atlanta.Example.com:7654/jshA7we;tcp;x=1');
    expect(u).toMatchObject({ scheme: 'msrp', user: 'alice', host: 'Atlanta.Example.com', port: 7654, sessionId: 'jshA7we', transport: 'tcp', params: ['x=1'] });
    expect(formatMsrpUri(u)).toBe('msrp://alice@Atlanta.Example.com:7654/jshA7we;tcp;x=1');
    expect(uri('msrps://[2001:db8::1]:2855/s-_~;tcp')).toMatchObject({ scheme: 'msrps', host: '[2001:db8::1]', sessionId: 's-_~' });
    expect(uri('msrps://relay.example.com;tcp').port).toBeUndefined();
  });

  it('rejects what is not an MSRP URI', () => {
    for (const bad of ['http://x/y;tcp', 'msrp://host:1/sid', 'msrp://host:99999/s;tcp', 'msrp://:1/s;tcp']) {
      const r = parseMsrpUri(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('ERR_MSRP_URI');
    }
  });

  it('compares per §6.1', () => {
    const a = uri('msrp://atlanta.example.com:7654/jshA7we;tcp');
    expect(msrpUriEquals(a, uri('MSRP://ATLANTA.example.COM:7654/jshA7we;TCP'))).toBe(true);
    expect(msrpUriEquals(a, uri('msrp://bob@atlanta.example.com:7654/jshA7we;tcp'))).toBe(true);
    expect(msrpUriEquals(a, uri('msrp://atlanta.example.com:7654/jsha7we;tcp'))).toBe(false);
    expect(msrpUriEquals(a, uri('msrp://atlanta.example.com/jshA7we;tcp'))).toBe(false);
    expect(msrpUriEquals(a, uri('msrps://atlanta.example.com:7654/jshA7we;tcp'))).toBe(false);
    expect(msrpUriEquals(a, uri('msrp://atlanta.example.com:7654;tcp'))).toBe(false);
    expect(msrpUriEquals(a, uri('msrp://atlanta.example.com:7654/jshA7we;udp'))).toBe(false);
  });

  it('parses space separated paths', () => {
    const r = parseMsrpPath('msrp://r.example.com:1/a;tcp  msrp://b.example.com:2/b;tcp');
    expect(r.ok && r.value.map((u) => u.sessionId)).toEqual(['a', 'b']);
    expect(parseMsrpPath('').ok).toBe(false);
  });
});
