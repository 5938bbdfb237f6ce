import { formatMsrpUri, type MsrpUri } from '../msrp-uri.ts';
import { newTransactionId } from '../random-id.ts';
import type { MsrpResponseHead } from '../syntax/msrp-parser.ts';
import { serializeRequest } from '../syntax/msrp-serializer.ts';
import { type DigestChallenge, type DigestCredentials, digestAuthorization, pickDigestChallenge, parseDigestChallenge } from '../../auth/digest.ts';

export interface AuthRequestInit {
  /** The relay's URI (To-Path of the AUTH, RFC 4976 §5.1). */
  readonly relay: MsrpUri;
  /** Our own URI (From-Path). */
  readonly local: MsrpUri;
  readonly transactionId?: string;
  /** Requested lifetime in seconds (Kamailio accepts 60..3600 by default, else 423). */
  readonly expires?: number;
  /** From digestAuthorization(), after a 401. */
  readonly authorization?: string;
}

// RFC 4976 §5.1: a client asks a relay to forward for it with an AUTH request (no body), first
// without credentials, then again with an Authorization header answering the 401 challenge.
export function buildAuthRequest(init: AuthRequestInit): { transactionId: string; wire: Buffer } {
  const transactionId = init.transactionId ?? newTransactionId();
  const wire = Buffer.concat(serializeRequest({
    transactionId, method: 'AUTH', toPath: [init.relay], fromPath: [init.local],
    ...(init.expires === undefined ? {} : { expires: init.expires }),
    ...(init.authorization === undefined ? {} : { authorization: init.authorization }),
  }));
  return { transactionId, wire };
}

/** What an AUTH response means for the client. */
export type AuthOutcome =
  | { readonly kind: 'challenge'; readonly challenge: DigestChallenge }
  | { readonly kind: 'authorized'; readonly usePath: readonly MsrpUri[]; readonly expires: number | undefined }
  | { readonly kind: 'interval-out-of-bounds'; readonly minExpires: number | undefined; readonly maxExpires: number | undefined }
  | { readonly kind: 'failed'; readonly status: number; readonly comment: string | undefined };

// RFC 4976 §5.1-5.2: 401 carries a Digest challenge; 200 carries the Use-Path to put into our
// a=path and the granted Expires; 423 says the requested Expires is outside the relay's bounds.
export function interpretAuthResponse(head: MsrpResponseHead): AuthOutcome {
  const h = head.headers;
  if (head.status === 401) {
    // RFC 7616 §3.7 lets a server offer one challenge per algorithm (e.g. SHA-256 and MD5), the
    // client answering the first it supports; with none supported the first Digest challenge is
    // taken (answering it then fails with a coded error).
    const challenges = h.wwwAuthenticate.map(parseDigestChallenge).filter((c) => c !== undefined);
    const challenge = pickDigestChallenge(challenges) ?? challenges[0];
    if (challenge !== undefined) return { kind: 'challenge', challenge };
  }
  if (head.status === 200 && h.usePath !== undefined) return { kind: 'authorized', usePath: h.usePath, expires: h.expires };
  if (head.status === 423) return { kind: 'interval-out-of-bounds', minExpires: h.minExpires, maxExpires: h.maxExpires };
  return { kind: 'failed', status: head.status, comment: head.comment };
}

/** The Authorization value for a retried AUTH; the digest-uri is the relay URI (RFC 4976 §5.1). */
export function answerAuthChallenge(challenge: DigestChallenge, credentials: DigestCredentials, relay: MsrpUri, nonceCount = 1, cnonce?: string): string {
  return digestAuthorization(challenge, credentials, {
    method: 'AUTH', uri: formatMsrpUri(relay), nonceCount, ...(cnonce === undefined ? {} : { cnonce }),
  });
}
