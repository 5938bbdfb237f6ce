import { createHash, randomBytes } from 'node:crypto';
import { CpmError } from '../../errors.ts';

/** A parsed `WWW-Authenticate: Digest ...` challenge (RFC 2617 §3.2.1, as used by RFC 4976 §5.1). */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  readonly algorithm?: string;
  readonly qop?: readonly string[];
  readonly stale?: boolean;
}

// RFC 2617 §3.2.1 challenge: "Digest" then comma-separated name=value pairs, values quoted or tokens.
export function parseDigestChallenge(value: string): DigestChallenge | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const p of (m[1] ?? '').matchAll(re)) {
    params.set((p[1] ?? '').toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3] ?? '');
  }
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) return undefined;
  const opaque = params.get('opaque');
  const algorithm = params.get('algorithm');
  const qop = params.get('qop');
  const stale = params.get('stale');
  return {
    realm, nonce,
    ...(opaque === undefined ? {} : { opaque }),
    ...(algorithm === undefined ? {} : { algorithm }),
    ...(qop === undefined ? {} : { qop: qop.split(',').map((q) => q.trim()).filter((q) => q !== '') }),
    ...(stale === undefined ? {} : { stale: stale.toLowerCase() === 'true' }),
  };
}

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DigestRequest {
  /** `AUTH` for MSRP relays. */
  readonly method: string;
  /** digest-uri: for RFC 4976 the relay URI in the To-Path. */
  readonly uri: string;
  /** 1 for the first use of a nonce. */
  readonly nonceCount?: number;
  /** Random by default; fixed in tests. */
  readonly cnonce?: string;
}

/** True when the challenge asks for MD5, explicitly or by leaving the algorithm out (RFC 2617 §3.2.1). */
export function isMd5Challenge(challenge: DigestChallenge): boolean {
  return (challenge.algorithm ?? 'MD5').toUpperCase() === 'MD5';
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/**
 * RFC 2617 §3.2.2 response with MD5: HA1 = MD5(user:realm:password), HA2 = MD5(method:uri);
 * with qop=auth the response hashes HA1:nonce:nc:cnonce:qop:HA2, without qop HA1:nonce:HA2.
 * Returns the Authorization header value. Only MD5 is supported (what RFC 4976 requires); any other
 * algorithm throws a CpmError ERR_MSRP_RELAY_AUTH, so callers see a coded error.
 */
export function digestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials, request: DigestRequest): string {
  if (!isMd5Challenge(challenge)) {
    throw new CpmError('ERR_MSRP_RELAY_AUTH', `unsupported digest algorithm ${challenge.algorithm ?? ''} (only MD5 is implemented)`);
  }
  const ha1 = md5(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  const ha2 = md5(`${request.method}:${request.uri}`);
  const useQop = challenge.qop?.includes('auth') ?? false;
  const nc = (request.nonceCount ?? 1).toString(16).padStart(8, '0');
  const cnonce = request.cnonce ?? randomBytes(8).toString('hex');
  const response = useQop ? md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${challenge.nonce}:${ha2}`);
  const q = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [
    `username=${q(credentials.username)}`, `realm=${q(challenge.realm)}`, `nonce=${q(challenge.nonce)}`,
    `uri=${q(request.uri)}`, `response=${q(response)}`, `algorithm=MD5`,
  ];
  if (useQop) parts.push('qop=auth', `nc=${nc}`, `cnonce=${q(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${q(challenge.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}
