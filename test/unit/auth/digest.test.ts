// The shared digest implementation against RFC 7616 §3.9.1's worked example (MD5 and SHA-256 give
// the response values printed there), and SHA-512-256 / -sess / auth-int against the formulas
// of §3.4.1 written out independently here.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseDigestChallenge, pickDigestChallenge } from '../../../runtime/auth/digest.ts';

const param = (header: string, name: string): string | undefined => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1];

const rfc7616 = (algorithm: string): string =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
const mufasa = { username: 'Mufasa', password: 'Circle of Life' };
const request = { method: 'GET', uri: '/dir/index.html', nonceCount: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };

describe('digest (RFC 7616)', () => {
  it('reproduces the §3.9.1 MD5 and SHA-256 responses', () => {
    const md5 = digestAuthorization(parseDigestChallenge(rfc7616('MD5'))!, mufasa, request);
    expect(param(md5, 'response')).toBe('8ca523f5e9506fed4657c9700eebdbec');
    const sha = digestAuthorization(parseDigestChallenge(rfc7616('SHA-256'))!, mufasa, request);
    expect(param(sha, 'response')).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(sha).toContain('algorithm=SHA-256');
    expect(sha).toContain('qop=auth,');
    expect(sha).toContain('nc=00000001');
    expect(param(sha, 'opaque')).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
  });

  it('computes SHA-512-256, the -sess variant and auth-int as §3.4 defines them', () => {
    const h = (s: string | Buffer): string => createHash('sha512-256').update(s).digest('hex');
    const challenge = parseDigestChallenge('Digest realm="r", nonce="n1", qop="auth-int", algorithm=SHA-512-256-sess')!;
    const body = Buffer.from('v=0\r\n');
    const value = digestAuthorization(challenge, { username: 'u', password: 'p' }, { method: 'INVITE', uri: 'sip:bob@example.test', nonceCount: 3, cnonce: 'c', body });
    const ha1 = h(`${h('u:r:p')}:n1:c`);
    const ha2 = h(`INVITE:sip:bob@example.test:${h(body)}`);
    expect(param(value, 'response')).toBe(h(`${ha1}:n1:00000003:c:auth-int:${ha2}`));
    expect(value).toContain('qop=auth-int');
    expect(value).toContain('nc=00000003');
  });

  it('without qop falls back to the RFC 2069 form; userhash hashes the user name', () => {
    const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
    const plain = digestAuthorization(parseDigestChallenge('Digest realm="r", nonce="n"')!, { username: 'u', password: 'p' }, { method: 'REGISTER', uri: 'sip:r' });
    expect(param(plain, 'response')).toBe(md5(`${md5('u:r:p')}:n:${md5('REGISTER:sip:r')}`));
    expect(plain).not.toContain('nc=');
    const hashed = digestAuthorization(parseDigestChallenge('Digest realm="r", nonce="n", userhash=true')!, { username: 'u', password: 'p' }, { method: 'REGISTER', uri: 'sip:r' });
    expect(param(hashed, 'username')).toBe(md5('u:r'));
    expect(hashed).toContain('userhash=true');
  });

  it('picks the first challenge whose algorithm it implements (RFC 8760 §2.4)', () => {
    const offered = ['Digest realm="r", nonce="a", algorithm=SHA3-512', 'Digest realm="r", nonce="b", algorithm=SHA-512-256', 'Digest realm="r", nonce="c"'].map((c) => parseDigestChallenge(c)!);
    expect(pickDigestChallenge(offered)?.nonce).toBe('b');
    expect(pickDigestChallenge(offered.slice(0, 1))).toBeUndefined();
    expect(() => digestAuthorization(offered[0]!, mufasa, request)).toThrow(expect.objectContaining({ code: 'ERR_DIGEST_ALGORITHM' }));
  });

  it('reads stale=true, quoted-pair escapes and a qop list', () => {
    const c = parseDigestChallenge('Digest realm="a \\"b\\"", nonce="n", stale=TRUE, qop="auth"')!;
    expect(c).toMatchObject({ realm: 'a "b"', stale: true, qop: ['auth'] });
  });
});
