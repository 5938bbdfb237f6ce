// What a transaction keeps once it has its final response. For the rest of its RFC 3261 §17
// lifetime (Timers D, J, K; RFC 6026 Timers L and M; Timers G, H, I after an INVITE server
// transaction's non-2xx) it only absorbs retransmissions or answers them with the same bytes. Those
// lifetimes reach 32 s over UDP, so at hundreds of sessions per second thousands of transactions sit
// in them: each keeps only its key and the serialized message it may have to send again (a server
// transaction's last response, an INVITE client transaction's ACK), never the request, a parsed
// message or the transaction user's callbacks, whose closures reach a whole session.

import type { Clock, TimerHandle } from '../../clock.ts';
import { parseNameAddr } from '../syntax/name-addr.ts';
import { parseSipMessage } from '../syntax/parse-message.ts';
import { serializeSipMessage } from '../syntax/serialize-message.ts';
import type { SipMessage, SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { PeerAddress, SipTransport } from '../transport/sip-transport.ts';
import type { ClientTransaction, ServerTransaction, TransactionEnv, TransactionState } from './transaction-env.ts';
import { ExpiryQueues } from './expiry-queues.ts';

/**
 * A serialized message and where it goes. The bytes are held as a latin1 string (one byte per
 * character, lossless for any body): no ArrayBuffer of its own per record.
 */
export interface WireCopy {
  readonly wire: string;
  readonly transport: SipTransport;
  readonly destination: PeerAddress;
}

export const wireCopy = (message: SipMessage, transport: SipTransport, destination: PeerAddress): WireCopy => ({
  wire: serializeSipMessage(message).toString('latin1'),
  transport,
  destination: { host: destination.host, port: destination.port },
});

/** The states a finished transaction can be in (it has its final response). */
export type FinishedState = Extract<TransactionState, 'completed' | 'accepted' | 'confirmed' | 'terminated'>;

/** What every finished record of one transaction layer shares: one per layer, never per record. */
export class FinishedTransactions {
  readonly #queues: ExpiryQueues<FinishedTransaction>;

  /** `onEnded` runs when a record's lifetime is over (the layer drops its entry). */
  constructor(
    readonly env: TransactionEnv,
    readonly onEnded: (record: FinishedTransaction) => void,
  ) {
    this.#queues = new ExpiryQueues(env.clock, (record) => record.expire());
  }

  get clock(): Clock {
    return this.env.clock;
  }

  /** Ends `record` after `ms` (records of equal lifetime share one timer, in order). */
  expireAfter(record: FinishedTransaction, ms: number): void {
    this.#queues.add(record, ms);
  }

  /** Sends a stored copy again: parsed back into a message so it is logged like any send. */
  resend(copy: WireCopy): void {
    const message = parseSipMessage(Buffer.from(copy.wire, 'latin1'));
    if (!message.ok) return; // we wrote it; it parses
    this.env.send(message.value, copy.transport, copy.destination).catch(() => undefined);
  }

  /** Stops the shared timers (UA shutdown). */
  dispose(): void {
    this.#queues.dispose();
  }
}

export interface FinishedHooks {
  readonly ended?: () => void;
  readonly ackTimeout?: () => void;
}

type Role = 'non-invite-client' | 'invite-client' | 'non-invite-server' | 'invite-server';

/**
 * One finished transaction. Its behaviour by role and state:
 * - non-INVITE client, Completed (Timer K): absorbs retransmitted responses (§17.1.2.2).
 * - INVITE client, Completed (Timer D): answers a retransmitted non-2xx with its ACK again (§17.1.1.2).
 * - INVITE client, Accepted (Timer M): answers a retransmitted 2xx with the ACK the TU sent for
 *   that 2xx (RFC 6026 §7.2 passes it to the TU, which re-sends its ACK, RFC 3261 §13.2.2.4; the
 *   ACK is what the TU would send, so the record sends it). A 2xx from another UAS (a fork, a new
 *   To tag) is not matched: the UA core ACKs it and releases it with BYE (uac-forked-answer.ts).
 * - non-INVITE server, Completed (Timer J): answers a retransmitted request with its last response (§17.2.2).
 * - INVITE server, Accepted (Timer L): absorbs retransmitted INVITEs (RFC 6026 §7.1).
 * - INVITE server, Completed (Timers G, H) then Confirmed (Timer I): answers a retransmitted INVITE
 *   and Timer G with its non-2xx, moves to Confirmed on the ACK (§17.2.1); Timer H calls the TU's `ackTimeout`.
 */
export class FinishedTransaction implements ClientTransaction, ServerTransaction {
  #state: FinishedState;
  /** The copy to send again: the last response (server) or the ACK for a non-2xx (INVITE client). */
  readonly #copy: WireCopy | undefined;
  /** INVITE client in Accepted: the ACK sent for the 2xx with this To tag (one per UAS that answered). */
  #acks: { readonly toTag: string; readonly copy: WireCopy }[] | undefined;
  /** INVITE server Completed only (rare: a rejected INVITE over UDP): Timers G and H. */
  #timers: { g?: TimerHandle; h?: TimerHandle } | undefined;
  /** The TU's hooks, when it gave them (the UA core does not): set by the transaction layer. */
  #hooks: FinishedHooks | undefined;

  constructor(
    readonly key: string,
    readonly role: Role,
    state: Exclude<FinishedState, 'terminated'>,
    private readonly host: FinishedTransactions,
    copy?: WireCopy,
  ) {
    this.#state = state;
    this.#copy = copy;
  }

  /** The TU's hooks: `ended` when the lifetime is over, `ackTimeout` when Timer H fires. */
  setHooks(hooks: FinishedHooks): void {
    this.#hooks = hooks;
  }

  get state(): FinishedState {
    return this.#state;
  }

  /** The stored copy's bytes (what the record sends again), for inspection. */
  get wire(): string | undefined {
    return this.#copy?.wire;
  }

  /** INVITE client in Accepted: the TU's ACK for the 2xx with `toTag`, sent again for its retransmissions. */
  rememberAck(toTag: string, copy: WireCopy): void {
    if (this.role !== 'invite-client' || this.#state !== 'accepted') return;
    const acks = (this.#acks ??= []);
    const i = acks.findIndex((a) => a.toTag === toTag);
    if (i >= 0) acks[i] = { toTag, copy };
    else acks.push({ toTag, copy });
  }

  /** A response matched the record; false when it is not the record's to handle (a forked 2xx). */
  receiveResponse(response: SipResponse): boolean {
    if (this.#state === 'terminated') return true;
    if (this.role === 'invite-client') {
      if (this.#state === 'completed') {
        if (response.status >= 300 && this.#copy !== undefined) this.host.resend(this.#copy);
      } else if (response.status >= 200 && response.status < 300) {
        const toTag = toTagOf(response);
        const ack = this.#acks?.find((a) => a.toTag === toTag);
        if (ack === undefined) return false;
        this.host.resend(ack.copy);
      }
    }
    return true;
  }

  /** A retransmitted request (or, for an INVITE server, its ACK) matched the record. */
  receiveRequest(request: SipRequest): void {
    if (this.#state === 'terminated') return;
    if (this.role === 'non-invite-server') {
      if (this.#copy !== undefined) this.host.resend(this.#copy);
      return;
    }
    if (this.role !== 'invite-server') return;
    if (request.method === 'ACK') {
      if (this.#state !== 'completed') return;
      // §17.2.1: the ACK confirms the non-2xx; Timer I (T4 on unreliable transports) absorbs ACK
      // retransmissions.
      this.#stopGH();
      this.#state = 'confirmed';
      this.host.expireAfter(this, this.#copy?.transport.reliable === true ? 0 : this.host.env.timers.T4);
      return;
    }
    if (this.#state === 'completed' && this.#copy !== undefined) this.host.resend(this.#copy);
  }

  /** A finished transaction takes no further response from its TU. */
  respond(): void {}

  /** A transport failure learnt now changes nothing: the final response has arrived (§17.1.4). */
  transportFailed(): void {}

  /**
   * INVITE server after a 300-699 (§17.2.1): Timer G retransmits it over unreliable transports
   * (T1 doubling up to T2) and Timer H (64*T1) gives up waiting for the ACK, calling the `ackTimeout` hook.
   */
  awaitAck(): void {
    const { clock, env } = this.host;
    const { T1, T2 } = env.timers;
    const timers: { g?: TimerHandle; h?: TimerHandle } = {};
    this.#timers = timers;
    const armG = (interval: number): void => {
      timers.g = clock.setTimeout(() => {
        if (this.#state !== 'completed' || this.#copy === undefined) return;
        this.host.resend(this.#copy);
        armG(Math.min(interval * 2, T2));
      }, interval);
    };
    if (this.#copy?.transport.reliable !== true) armG(T1);
    timers.h = clock.setTimeout(() => {
      if (this.#state !== 'completed') return;
      const ackTimeout = this.#hooks?.ackTimeout;
      this.expire();
      ackTimeout?.();
    }, 64 * T1);
  }

  #stopGH(): void {
    if (this.#timers === undefined) return;
    this.host.clock.clearTimeout(this.#timers.g);
    this.host.clock.clearTimeout(this.#timers.h);
    this.#timers = undefined;
  }

  /** The lifetime is over: Terminated, and the layer forgets the record. Once only. */
  expire(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#stopGH();
    this.#acks = undefined;
    this.host.onEnded(this);
    const ended = this.#hooks?.ended;
    this.#hooks = undefined;
    ended?.();
  }

  /** UA shutdown: stops the record's own timers without reporting an end. */
  dispose(): void {
    this.#stopGH();
  }
}

function toTagOf(response: SipResponse): string | undefined {
  const to = parseNameAddr(response.headers.get('To') ?? '');
  return to.ok ? (to.value.params['tag'] ?? undefined) : undefined;
}
