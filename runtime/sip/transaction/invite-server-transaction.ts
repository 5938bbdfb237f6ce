import type { TimerHandle } from '../../clock.ts';
import { createResponseTo } from '../syntax/build-response.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { sendResponse } from './server-transaction-base.ts';
import type { ServerTransaction, ServerTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';

/** RFC 3261 §17.2.1 INVITE server transaction, with the Accepted state of RFC 6026 §7.1. */
export class InviteServerTransaction implements ServerTransaction {
  #state: TransactionState = 'proceeding';
  #last: SipResponse | undefined;
  #timerG: TimerHandle | undefined;
  #timerH: TimerHandle | undefined;
  #timerI: TimerHandle | undefined;
  #timerL: TimerHandle | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: MessageSource,
    private readonly env: TransactionEnv,
    private readonly user: ServerTransactionUser,
  ) {
    // §17.2.1: the server sends 100 Trying unless the TU answers within 200 ms; we always send it
    // at once, which is allowed and stops the client's INVITE retransmissions early.
    this.respond(createResponseTo(request, 100));
  }

  get state(): TransactionState {
    return this.#state;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      // §17.2.1: an ACK in Completed confirms the non-2xx response; Timer I (T4 on unreliable
      // transports) then absorbs ACK retransmissions.
      if (this.#state === 'completed') {
        this.#state = 'confirmed';
        this.env.clock.clearTimeout(this.#timerG);
        this.env.clock.clearTimeout(this.#timerH);
        this.#timerI = this.env.clock.setTimeout(() => this.#terminate(), this.source.transport.reliable ? 0 : this.env.timers.T4);
      }
      return;
    }
    // §17.2.1: a retransmitted INVITE in Proceeding or Completed gets the last response again.
    // RFC 6026 §7.1: in Accepted it is absorbed (the TU is retransmitting the 2xx itself).
    if ((this.#state === 'proceeding' || this.#state === 'completed') && this.#last !== undefined) this.#send(this.#last);
  }

  respond(response: SipResponse): void {
    if (this.#state !== 'proceeding') {
      // RFC 6026 §7.1: in Accepted the TU may pass 2xx retransmissions through the transaction.
      if (this.#state === 'accepted' && response.status >= 200 && response.status < 300) this.#send(response);
      return;
    }
    this.#last = response;
    this.#send(response);
    if (response.status < 200) return;
    if (response.status < 300) {
      // RFC 6026 §7.1: after a 2xx the transaction waits in Accepted for Timer L (64*T1) so that
      // INVITE retransmissions are not mistaken for new requests.
      this.#state = 'accepted';
      this.#timerL = this.env.clock.setTimeout(() => this.#terminate(), 64 * this.env.timers.T1);
      return;
    }
    // §17.2.1: after a 300-699 response, Completed: on unreliable transports Timer G retransmits
    // it (T1 doubling up to T2); Timer H (64*T1) gives up waiting for the ACK.
    this.#state = 'completed';
    if (!this.source.transport.reliable) this.#armG(this.env.timers.T1);
    this.#timerH = this.env.clock.setTimeout(() => {
      if (this.#state !== 'completed') return;
      this.#terminate();
      this.user.onAckTimeout?.();
    }, 64 * this.env.timers.T1);
  }

  #armG(interval: number): void {
    this.#timerG = this.env.clock.setTimeout(() => {
      if (this.#state !== 'completed' || this.#last === undefined) return;
      this.#send(this.#last);
      this.#armG(Math.min(interval * 2, this.env.timers.T2));
    }, interval);
  }

  #send(response: SipResponse): void {
    sendResponse(this.env, this.source, response, this.user);
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.dispose();
    this.user.onTerminated?.();
  }

  dispose(): void {
    for (const t of [this.#timerG, this.#timerH, this.#timerI, this.#timerL]) this.env.clock.clearTimeout(t);
  }
}
