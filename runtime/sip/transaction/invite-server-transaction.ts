import { createResponseTo } from '../syntax/build-response.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { sendResponse } from './server-transaction-base.ts';
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

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: MessageSource,
    private readonly env: TransactionEnv,
    private readonly user: ServerTransactionUser,
  ) {
    this.#life = new TransactionLifecycle('proceeding', env.clock, () => user.onTerminated?.());
    // §17.2.1: a 100 Trying is due only if the TU has not responded within 200 ms. A receiver that
    // answers a file offer at once (the common case) so sends one response, not two: each 100 was a
    // datagram to build, send, receive and parse on both sides of every session. 200 ms is below
    // Timer A's first retransmission (T1, 500 ms), and a retransmitted INVITE gets the 100 at once.
    this.#life.start('Trying', TRYING_DELAY_MS, () => this.#sendTrying());
  }

  #sendTrying(): void {
    if (this.#life.state === 'proceeding' && this.#last === undefined) this.respond(createResponseTo(this.request, 100));
  }

  get state(): TransactionState {
    return this.#life.state;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      // §17.2.1: an ACK in Completed confirms the non-2xx response; Timer I (T4 on unreliable
      // transports) then absorbs ACK retransmissions.
      if (this.#life.state === 'completed') {
        this.#life.enter('confirmed');
        this.#life.stop('G', 'H');
        this.#life.start('I', this.source.transport.reliable ? 0 : this.env.timers.T4, () => this.#life.terminate());
      }
      return;
    }
    // §17.2.1: a retransmitted INVITE in Proceeding or Completed gets the last response again; in
    // Proceeding before any response, the client is waiting, so the 100 Trying goes out now.
    // RFC 6026 §7.1: in Accepted it is absorbed (the TU is retransmitting the 2xx itself).
    if ((this.#life.state === 'proceeding' || this.#life.state === 'completed') && this.#last !== undefined) this.#send(this.#last);
    else if (this.#life.state === 'proceeding') this.#sendTrying();
  }

  respond(response: SipResponse): void {
    if (this.#life.state !== 'proceeding') {
      // RFC 6026 §7.1: in Accepted the TU may pass 2xx retransmissions through the transaction.
      if (this.#life.state === 'accepted' && response.status >= 200 && response.status < 300) this.#send(response);
      return;
    }
    this.#life.stop('Trying');
    this.#last = response;
    this.#send(response);
    if (response.status < 200) return;
    if (response.status < 300) {
      // RFC 6026 §7.1: after a 2xx the transaction waits in Accepted for Timer L (64*T1) so that
      // INVITE retransmissions are not mistaken for new requests.
      this.#life.enter('accepted');
      this.#life.start('L', 64 * this.env.timers.T1, () => this.#life.terminate());
      return;
    }
    // §17.2.1: after a 300-699 response, Completed: on unreliable transports Timer G retransmits
    // it (T1 doubling up to T2); Timer H (64*T1) gives up waiting for the ACK.
    this.#life.enter('completed');
    if (!this.source.transport.reliable) this.#armG(this.env.timers.T1);
    this.#life.start('H', 64 * this.env.timers.T1, () => {
      if (this.#life.state !== 'completed') return;
      this.#life.terminate();
      this.user.onAckTimeout?.();
    });
  }

  #armG(interval: number): void {
    this.#life.start('G', interval, () => {
      if (this.#life.state !== 'completed' || this.#last === undefined) return;
      this.#send(this.#last);
      this.#armG(Math.min(interval * 2, this.env.timers.T2));
    });
  }

  #send(response: SipResponse): void {
    sendResponse(this.env, this.source, response, this.user);
  }

  dispose(): void {
    this.#life.dispose();
  }
}
