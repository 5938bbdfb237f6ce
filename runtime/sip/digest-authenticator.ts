// The UAC side of SIP digest authentication (RFC 3261 §22.2-§22.3, RFC 8760 §2): answering 401
// (WWW-Authenticate) and 407 (Proxy-Authenticate) challenges, keeping each realm's nonce to reuse
// on later requests with a growing nonce count, and telling a wrong password (the realm challenges
// again an answer it got) from an expired nonce (stale=true), so a request is retried at most once
// per challenge and a refusal becomes a clear error instead of a loop.

import { type DigestChallenge, type DigestCredentials, digestAuthorization, parseDigestChallenge, pickDigestChallenge } from '../auth/digest.ts';
import { CpmError } from '../errors.ts';
import type { SipRequest, SipResponse } from './syntax/sip-message.ts';

/** Credentials for SIP digest authentication; `realm` limits them to one realm (default: any). */
export interface SipCredentials extends DigestCredentials {
  readonly realm?: string;
}

type ChallengeHeader = 'WWW-Authenticate' | 'Proxy-Authenticate';
const answerHeader = { 'WWW-Authenticate': 'Authorization', 'Proxy-Authenticate': 'Proxy-Authorization' } as const;

interface CachedChallenge {
  readonly header: ChallengeHeader;
  readonly challenge: DigestChallenge;
  /** Uses of this nonce so far (RFC 7616 §3.4: nc counts them, starting at 1). */
  count: number;
}

/** The realms answered from a fresh challenge while sending one request (its retries included). */
export type AuthChain = Set<string>;

export type ChallengeOutcome =
  /** Credentials were added to the request's next attempt: send it again. */
  | { readonly kind: 'retry' }
  /** Nothing to answer with (no credentials, or none for this realm): the response stands. */
  | { readonly kind: 'unanswerable'; readonly reason: string }
  /** The realm refused the answer we gave it: the credentials are wrong. */
  | { readonly kind: 'refused'; readonly error: CpmError };

export class DigestAuthenticator {
  readonly #credentials: SipCredentials;
  /** By header kind and realm: the last challenge seen, for reuse on later requests. */
  readonly #cache = new Map<string, CachedChallenge>();

  constructor(credentials: SipCredentials) {
    this.#credentials = credentials;
  }

  /**
   * RFC 3261 §22.3: adds an answer to every cached challenge to a request about to be sent (the
   * nonce reused with the next nonce count), so a registrar or proxy that already challenged us
   * need not do it again. Replaces answers an earlier attempt carried.
   */
  authorize(request: SipRequest): void {
    request.headers.delete('Authorization');
    request.headers.delete('Proxy-Authorization');
    for (const entry of this.#cache.values()) {
      entry.count += 1;
      request.headers.append(
        answerHeader[entry.header],
        digestAuthorization(entry.challenge, this.#credentials, { method: request.method, uri: request.uri, nonceCount: entry.count, body: request.body }),
      );
    }
  }

  /**
   * A 401/407 to `request`: records its challenges so the next `authorize` answers them. A realm
   * that challenges again after we answered one of its challenges in this `chain`, without saying
   * the nonce was merely stale, has refused the credentials.
   */
  onChallenge(response: SipResponse, chain: AuthChain): ChallengeOutcome {
    const header: ChallengeHeader = response.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    const parsed = response.headers.getAll(header).map(parseDigestChallenge).filter((c): c is DigestChallenge => c !== undefined);
    if (parsed.length === 0) return { kind: 'unanswerable', reason: `${response.status} without a Digest ${header}` };
    // RFC 8760 §2.4: per realm, the first challenge whose algorithm we support.
    const byRealm = new Map<string, DigestChallenge[]>();
    for (const c of parsed) byRealm.set(c.realm, [...(byRealm.get(c.realm) ?? []), c]);
    let answered = 0;
    for (const [realm, challenges] of byRealm) {
      if (this.#credentials.realm !== undefined && this.#credentials.realm !== realm) continue;
      const challenge = pickDigestChallenge(challenges);
      if (challenge === undefined) {
        return { kind: 'unanswerable', reason: `realm "${realm}" asks for digest algorithm ${challenges.map((c) => c.algorithm ?? 'MD5').join(', ')}, none of which is implemented` };
      }
      const key = `${header}\n${realm}`;
      if (chain.has(key) && challenge.stale !== true) {
        return {
          kind: 'refused',
          error: new CpmError('ERR_SIP_AUTH_REJECTED', `realm "${realm}" refused the credentials of user "${this.#credentials.username}" (${response.status} again after the digest answer): check the user name and password`),
        };
      }
      chain.add(key);
      this.#cache.set(key, { header, challenge, count: 0 });
      answered += 1;
    }
    if (answered === 0) return { kind: 'unanswerable', reason: `no credentials for realm ${[...byRealm.keys()].map((r) => `"${r}"`).join(', ')}` };
    return { kind: 'retry' };
  }

  /** Forgets every cached nonce (after a registration ends, say). */
  clear(): void {
    this.#cache.clear();
  }
}
