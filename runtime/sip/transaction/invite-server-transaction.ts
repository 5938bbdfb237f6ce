import { createResponseTo } from '../syntax/build-response.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { FinishedTransaction, wireCopy, type FinishedTransactions } from './finished-transaction.ts';
import { responseTarget, sendResponse } from './server-transaction-base.ts';
import type { ServerTransaction, ServerTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';
import { TransactionLifecycle } from './transaction-lifecycle.ts';

/**
 * RFC 3261 §17.2.1 (checked in its INVITE server transaction state diagram: "send 100 if TU won't in
 * 200ms"): the 100 Trying is owed only when the TU has not answered within 200 ms.
 */
export const TRYING_DELAY_MS = 200;

/** RFC 3261 §17.2.1 INVITE server transaction, with the Accepted state of RFC 6026 §7.1. */
export class InviteServerTransaction implements ServerTransaction {
  readonly #life: TransactionLifecycle;
  #last: SipResponse | undefined;
  /** Set once the final response is sent: the record that lives out Timer L, or G/H and I. */
  #finished: FinishedTransaction | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: MessageSource,
    private readonly env: TransactionEnv,
    private readonly user: ServerTransactionUser,
    private readonly finished: FinishedTransactions,
  ) {
    this.#life = new TransactionLifecycle('proceeding', env.clock, () => user.onTerminated?.());
    // §17.2.1: a 100 Trying is due only if the TU has not responded within 200 ms. A receiver that
    // answers a file offer at once (the common case) so sends one response, not two: each 100 was a
    // datagram to build, send, receive and parse on both sides of every session. 200 ms is below
    // Timer A's first retransmission (T1, 500 ms), and a retransmitted INVITE gets the 100 at once.
    this.#life.start('Trying', TRYING_DELAY_MS, () => this.#sendTrying());
  }

  #sendTrying(): void {
    if (this.#finished === undefined && this.#last === undefined) this.respond(createResponseTo(this.request, 100));
  }

  get state(): TransactionState {
    return this.#finished?.state ?? this.#life.state;
  }

  /** The last provisional response sent (a final one lives on serialized in the finished record). */
  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  receiveRequest(request: SipRequest): void {
    if (this.#finished !== undefined) {
      // §17.2.1 / RFC 6026 §7.1: the record answers or absorbs retransmissions and takes the ACK.
      this.#finished.receiveRequest(request);
      return;
    }
    if (request.method === 'ACK') return;
    // §17.2.1: a retransmitted INVITE in Proceeding gets the last provisional response again;
    // before any response, the client is waiting, so the 100 Trying goes out now.
    if (this.#last !== undefined) this.#send(this.#last);
    else this.#sendTrying();
  }

  respond(response: SipResponse): void {
    if (this.#finished !== undefined) {
      // RFC 6026 §7.1: in Accepted the TU may pass 2xx retransmissions through the transaction.
      if (this.#finished.state === 'accepted' && response.status >= 200 && response.status < 300) this.#send(response);
      return;
    }
    this.#life.stop('Trying');
    const to = responseTarget(this.source, response);
    this.#send(response, to);
    if (response.status < 200) {
      this.#last = response;
      return;
    }
    this.#last = undefined;
    this.#life.dispose();
    if (response.status < 300) {
      // RFC 6026 §7.1: after a 2xx the transaction waits in Accepted for Timer L (64*T1) so that
      // INVITE retransmissions are not mistaken for new requests; absorbing them needs the key only.
      const record = new FinishedTransaction(this.key, 'invite-server', 'accepted', this.finished);
      this.#finished = record;
      this.finished.expireAfter(record, 64 * this.env.timers.T1);
      this.user.onFinished?.(record);
      return;
    }
    // §17.2.1: after a 300-699 response, Completed: on unreliable transports Timer G retransmits
    // it (T1 doubling up to T2); Timer H (64*T1) gives up waiting for the ACK.
    const record = new FinishedTransaction(this.key, 'invite-server', 'completed', this.finished, wireCopy(response, this.source.transport, to));
    this.#finished = record;
    record.awaitAck();
    this.user.onFinished?.(record);
  }

  #send(response: SipResponse, to = responseTarget(this.source, response)): void {
    sendResponse(this.env, this.source, response, this.user, to);
  }

  dispose(): void {
    this.#life.dispose();
    this.#finished?.dispose();
  }
}
