// HTTP Digest authentication as SIP (RFC 3261 §22.4, updated by RFC 8760) and MSRP relays
// (RFC 4976 §5.1) use it: reading a challenge, and computing the Authorization value that answers
// it with MD5, SHA-256 or SHA-512/256 (RFC 7616 §3.4), with or without the -sess variants and
// qop=auth / auth-int. One implementation for every protocol of the runtime.

import { createHash, randomBytes } from 'node:crypto';
import { CpmError } from '../errors.ts';

/** A parsed `Digest` challenge (WWW-Authenticate / Proxy-Authenticate, RFC 7616 §3.3). */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  /** As written by the server; absent means MD5 (RFC 7616 §3.3). */
  readonly algorithm?: string;
  readonly qop?: readonly string[];
  /** True when the previous answer was rejected only because its nonce had expired. */
  readonly stale?: boolean;
  /** RFC 7616 §3.4.4: the server accepts a hashed username. */
  readonly userhash?: boolean;
}

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DigestRequest {
  /** Request method (`REGISTER`, `INVITE`, `AUTH` for MSRP relays). */
  readonly method: string;
  /** digest-uri: the SIP Request-URI, or the relay URI for RFC 4976. */
  readonly uri: string;
  /** How many times this nonce has been used, this use included; 1 for the first use. */
  readonly nonceCount?: number;
  /** Random by default; fixed in tests. */
  readonly cnonce?: string;
  /** The message body, for qop=auth-int (RFC 7616 §3.4.3). */
  readonly body?: Buffer;
}

/** RFC 7616 §6.1 registry values we compute, with the node:crypto hash behind each. */
const algorithms: Readonly<Record<string, string>> = {
  'MD5': 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

/** The upper-cased algorithm name without `-sess`, and whether it is a session variant. */
function splitAlgorithm(name: string | undefined): { readonly base: string; readonly session: boolean } {
  const upper = (name ?? 'MD5').toUpperCase();
  return upper.endsWith('-SESS') ? { base: upper.slice(0, -5), session: true } : { base: upper, session: false };
}

/** True when we can answer the challenge's algorithm. */
export function isSupportedChallenge(challenge: DigestChallenge): boolean {
  return algorithms[splitAlgorithm(challenge.algorithm).base] !== undefined;
}

/** True when the challenge asks for MD5, explicitly or by leaving the algorithm out. */
export function isMd5Challenge(challenge: DigestChallenge): boolean {
  return splitAlgorithm(challenge.algorithm).base === 'MD5';
}

/**
 * RFC 8760 §2.4 / RFC 7616 §3.7: a server may offer one challenge per algorithm, in its order of
 * preference; the client answers the first one it supports. Undefined when none is supported.
 */
export function pickDigestChallenge(challenges: readonly DigestChallenge[]): DigestChallenge | undefined {
  return challenges.find(isSupportedChallenge);
}

// RFC 7616 §3.3 challenge: "Digest" then comma-separated auth-params, values quoted or tokens.
export function parseDigestChallenge(value: string): DigestChallenge | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const p of (m[1] ?? '').matchAll(re)) {
    params.set((p[1] ?? '').toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? ''));
  }
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) return undefined;
  const opaque = params.get('opaque');
  const algorithm = params.get('algorithm');
  const qop = params.get('qop');
  const stale = params.get('stale');
  const userhash = params.get('userhash');
  return {
    realm,
    nonce,
    ...(opaque === undefined ? {} : { opaque }),
    ...(algorithm === undefined ? {} : { algorithm }),
    ...(qop === undefined ? {} : { qop: qop.split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '') }),
    ...(stale === undefined ? {} : { stale: stale.toLowerCase() === 'true' }),
    ...(userhash === undefined ? {} : { userhash: userhash.toLowerCase() === 'true' }),
  };
}

const quoted = (v: string): string => `"${v.replace(/(["\\])/g, '\\$1')}"`;

/**
 * The Authorization (or Proxy-Authorization) value answering `challenge` (RFC 7616 §3.4.1):
 * A1 = user:realm:password (for -sess variants H(A1):nonce:cnonce), A2 = method:uri (qop=auth-int
 * adds :H(body)); with a qop the response is KD(H(A1), nonce:nc:cnonce:qop:H(A2)), without one
 * (RFC 2069 compatibility, MD5 only in practice) KD(H(A1), nonce:H(A2)). An algorithm we cannot
 * compute throws a CpmError ERR_DIGEST_ALGORITHM.
 */
export function digestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials, request: DigestRequest): string {
  const { base, session } = splitAlgorithm(challenge.algorithm);
  const hashName = algorithms[base];
  if (hashName === undefined) {
    throw new CpmError('ERR_DIGEST_ALGORITHM', `unsupported digest algorithm ${challenge.algorithm ?? ''} (MD5, SHA-256 and SHA-512-256 are implemented)`);
  }
  const h = (data: string | Buffer): string => createHash(hashName).update(data).digest('hex');
  // RFC 7616 §3.4: auth is preferred; auth-int only when it is the one offered.
  const qop = challenge.qop === undefined ? undefined : challenge.qop.includes('auth') ? 'auth' : challenge.qop.includes('auth-int') ? 'auth-int' : undefined;
  if (challenge.qop !== undefined && qop === undefined) {
    throw new CpmError('ERR_DIGEST_QOP', `unsupported digest qop ${challenge.qop.join(',')} (auth and auth-int are implemented)`);
  }
  const nc = (request.nonceCount ?? 1).toString(16).padStart(8, '0');
  const cnonce = request.cnonce ?? randomBytes(12).toString('base64url');
  let ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (session) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const a2 = qop === 'auth-int' ? `${request.method}:${request.uri}:${h(request.body ?? Buffer.alloc(0))}` : `${request.method}:${request.uri}`;
  const ha2 = h(a2);
  const response = qop === undefined ? h(`${ha1}:${challenge.nonce}:${ha2}`) : h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  const username = challenge.userhash === true ? h(`${credentials.username}:${challenge.realm}`) : credentials.username;
  const parts = [
    `username=${quoted(username)}`,
    `realm=${quoted(challenge.realm)}`,
    `nonce=${quoted(challenge.nonce)}`,
    `uri=${quoted(request.uri)}`,
    `response=${quoted(response)}`,
    `algorithm=${challenge.algorithm ?? 'MD5'}`,
  ];
  if (qop !== undefined) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quoted(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quoted(challenge.opaque)}`);
  if (challenge.userhash === true) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
