import { createResponseTo } from '../syntax/build-response.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { sendResponse } from './server-transaction-base.ts';
import type { ServerTransaction, ServerTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';
import { TransactionLifecycle } from './transaction-lifecycle.ts';

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
    // §17.2.1: the server sends 100 Trying unless the TU answers within 200 ms; we always send it
    // at once, which is allowed and stops the client's INVITE retransmissions early.
    this.respond(createResponseTo(request, 100));
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
    // §17.2.1: a retransmitted INVITE in Proceeding or Completed gets the last response again.
    // RFC 6026 §7.1: in Accepted it is absorbed (the TU is retransmitting the 2xx itself).
    if ((this.#life.state === 'proceeding' || this.#life.state === 'completed') && this.#last !== undefined) this.#send(this.#last);
  }

  respond(response: SipResponse): void {
    if (this.#life.state !== 'proceeding') {
      // RFC 6026 §7.1: in Accepted the TU may pass 2xx retransmissions through the transaction.
      if (this.#life.state === 'accepted' && response.status >= 200 && response.status < 300) this.#send(response);
      return;
    }
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
