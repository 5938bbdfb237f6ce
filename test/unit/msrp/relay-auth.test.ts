import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseDigestChallenge } from '../../../runtime/auth/digest.ts';
import { answerAuthChallenge, buildAuthRequest, interpretAuthResponse } from '../../../runtime/msrp/relay/relay-auth.ts';
import { parseMsrpUri } from '../../../runtime/msrp/msrp-uri.ts';
import { parsePieces } from './collect.ts';

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };

describe('digest auth (RFC 2617)', () => {
  it('reproduces the RFC 2617 §3.5 example response', () => {
    const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(challenge?.qop).toEqual(['auth', 'auth-int']);
    const value = digestAuthorization(challenge!, { username: 'Mufasa', password: 'Circle Of Life' }, { method: 'GET', uri: '/dir/index.html', nonceCount: 1, cnonce: '0a4f113b' });
    expect(value).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(value).toContain('nc=00000001');
    expect(value).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('an algorithm we do not implement throws a CpmError ERR_DIGEST_ALGORITHM', () => {
    const challenge = parseDigestChallenge('Digest realm="r", nonce="n", algorithm=SHA3-256');
    expect(() => digestAuthorization(challenge!, { username: 'u', password: 'p' }, { method: 'AUTH', uri: 'msrp://r:1;tcp' }))
      .toThrow(expect.objectContaining({ name: 'CpmError', code: 'ERR_DIGEST_ALGORITHM' }));
  });

  it('rejects challenges that are not Digest or lack a nonce', () => {
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined();
  });
});

describe('relay AUTH (RFC 4976)', () => {
  const relay = uri('msrps://relay.example.com:2855;tcp');
  const local = uri('msrps://alice.example.com:1234/a1b2c3;tcp');

  it('builds an AUTH that parses back, with and without credentials', () => {
    const first = buildAuthRequest({ relay, local, transactionId: 'auth0001', expires: 900 });
    const [m] = parsePieces([first.wire]).messages;
    expect(m?.head.kind === 'request' && m.head.method).toBe('AUTH');
    expect(m?.head.headers.expires).toBe(900);
    const authorization = answerAuthChallenge({ realm: 'relay.example.com', nonce: 'n1', qop: ['auth'] }, { username: 'alice', password: 'pw' }, relay, 1, 'c1');
    expect(authorization).toContain('uri="msrps://relay.example.com:2855;tcp"');
    const second = buildAuthRequest({ relay, local, authorization });
    expect(parsePieces([second.wire]).messages[0]?.head.headers.authorization).toEqual([authorization]);
  });

  it('answers the first challenge whose algorithm it implements when a 401 offers several (RFC 7616 §3.7)', () => {
    const wire = Buffer.from('MSRP t9 401 Unauthorized\r\nTo-Path: msrps://alice.example.com:1234/a1b2c3;tcp\r\nFrom-Path: msrps://relay.example.com:2855;tcp\r\n'
      + 'WWW-Authenticate: Digest realm="r", nonce="sha3", algorithm=SHA3-256\r\nWWW-Authenticate: Digest realm="r", nonce="md", algorithm=MD5\r\n-------t9$\r\n');
    const head = parsePieces([wire]).messages[0]?.head;
    if (head?.kind !== 'response') throw new Error('expected a response');
    expect(interpretAuthResponse(head)).toMatchObject({ kind: 'challenge', challenge: { nonce: 'md', algorithm: 'MD5' } });
  });

  it('interprets 401, 200 with Use-Path and 423', () => {
    const challengeWire = Buffer.from('MSRP t1 401 Unauthorized\r\nTo-Path: msrps://alice.example.com:1234/a1b2c3;tcp\r\nFrom-Path: msrps://relay.example.com:2855;tcp\r\nWWW-Authenticate: Digest realm="relay.example.com", nonce="abc", qop="auth"\r\n-------t1$\r\n');
    const okWire = readFileSync(new URL('../../corpus/msrp/auth-200-use-path.msrp', import.meta.url));
    const boundsWire = Buffer.from('MSRP t3 423 Interval Out-of-Bounds\r\nTo-Path: msrps://a.example.com:1/s;tcp\r\nFrom-Path: msrps://relay.example.com:2855;tcp\r\nMin-Expires: 60\r\nMax-Expires: 3600\r\n-------t3$\r\n');
    const [c, o, b] = parsePieces([challengeWire, okWire, boundsWire]).messages.map((m) => m.head);
    if (c?.kind !== 'response' || o?.kind !== 'response' || b?.kind !== 'response') throw new Error('expected responses');
    expect(interpretAuthResponse(c)).toMatchObject({ kind: 'challenge', challenge: { realm: 'relay.example.com', nonce: 'abc' } });
    const ok = interpretAuthResponse(o);
    expect(ok.kind === 'authorized' && ok.usePath[0]?.sessionId).toBe('jui787s2f');
    expect(ok.kind === 'authorized' && ok.expires).toBe(900);
    expect(interpretAuthResponse(b)).toEqual({ kind: 'interval-out-of-bounds', minExpires: 60, maxExpires: 3600 });
  });
});
