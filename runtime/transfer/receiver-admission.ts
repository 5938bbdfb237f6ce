// Admission of incoming sessions: who an INVITE counts against, and the per-peer and total caps
// that refuse it before anything (temporary file, MSRP session) is allocated.

import { parseNameAddr } from '../sip/syntax/name-addr.ts';
import { parseSipUri } from '../sip/syntax/sip-uri.ts';
import type { SipRequest } from '../sip/syntax/sip-message.ts';
import type { IncomingInvite } from '../sip/user-agent-types.ts';
import type { FileTransferReceiverOptions } from './receiver-options.ts';
import { PerSourceCount } from '../per-source-count.ts';

export const DEFAULT_MAX_SESSIONS_PER_PEER = 16;
export const DEFAULT_MAX_SESSIONS = 128;
export const DEFAULT_MAX_SESSIONS_PER_SOURCE = 64;

/**
 * Who an INVITE counts against for maxSessionsPerPeer: the address of record in From, lower-cased
 * host, without port or parameters. Behind a proxy or SBC every INVITE has the same source
 * address, so the From identity is what tells senders apart; it is only as trustworthy as the
 * network that asserted it, which is why maxSessions bounds the total as well.
 */
export function sessionPeerKey(request: SipRequest): string {
  const from = request.headers.get('From') ?? '';
  const addr = parseNameAddr(from);
  const text = addr.ok ? addr.value.uri : from.trim();
  const uri = parseSipUri(text);
  if (!uri.ok) return text.toLowerCase();
  return `${uri.value.scheme}:${uri.value.user === undefined ? '' : `${uri.value.user}@`}${uri.value.host.toLowerCase()}`;
}

/** Sessions held (answering or established) per peer key, for maxSessionsPerPeer / maxSessions. */
export class SessionAdmission {
  readonly #options: FileTransferReceiverOptions;
  readonly #held = new Map<string, number>();
  /** By the INVITE's transport source address: what a spoofed From cannot change. */
  readonly #bySource: PerSourceCount;
  #heldTotal = 0;

  constructor(options: FileTransferReceiverOptions) {
    this.#options = options;
    this.#bySource = new PerSourceCount(options.maxSessionsPerSource ?? DEFAULT_MAX_SESSIONS_PER_SOURCE);
  }

  /** Counts the INVITE against its peer and the total, or refuses it with nothing allocated. */
  admit(incoming: IncomingInvite, peer: string, source: string): boolean {
    const perPeer = this.#options.maxSessionsPerPeer ?? DEFAULT_MAX_SESSIONS_PER_PEER;
    const total = this.#options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    const held = this.#held.get(peer) ?? 0;
    // RFC 3261 §21.4.24: 486 says this end system will not take more calls from the caller now;
    // the per-peer cap is that callee-side condition, so another peer is still served.
    if (held >= perPeer) {
      this.#options.log?.({ kind: 'file', event: 'session-refused', peer, status: 486, held, limit: perPeer });
      incoming.reject(486, 'Busy Here');
      return false;
    }
    // RFC 3261 §21.5.4 / §20.33: 503 is the server being overloaded as a whole; Retry-After tells
    // the caller when to try again instead of retrying at once.
    if (this.#heldTotal >= total) {
      const retryAfter = this.#options.retryAfterSeconds ?? 10;
      this.#options.log?.({ kind: 'file', event: 'session-refused', peer, status: 503, held: this.#heldTotal, limit: total });
      incoming.reject(503, 'Service Unavailable', [{ name: 'Retry-After', value: String(retryAfter) }]);
      return false;
    }
    // The same callee-side condition per source address: a peer writing a new From on every
    // INVITE still sends them all from its own address.
    if (!this.#bySource.take(source)) {
      this.#options.log?.({ kind: 'file', event: 'session-refused', peer, source, status: 486, held: this.#bySource.held(source), limit: this.#bySource.limit });
      incoming.reject(486, 'Busy Here');
      return false;
    }
    this.#held.set(peer, held + 1);
    this.#heldTotal += 1;
    return true;
  }

  /** The session of `peer` from `source` is over (refused, failed or ended): its slots are free again. */
  leave(peer: string, source: string): void {
    this.#bySource.give(source);
    const held = this.#held.get(peer) ?? 0;
    if (held <= 1) this.#held.delete(peer);
    else this.#held.set(peer, held - 1);
    this.#heldTotal = Math.max(0, this.#heldTotal - 1);
  }

  /** Incoming sessions currently held (answering or established), in total and per peer key. */
  get held(): { readonly total: number; readonly perPeer: ReadonlyMap<string, number> } {
    return { total: this.#heldTotal, perPeer: new Map(this.#held) };
  }
}
