import type { TimerHandle } from '../../clock.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { sendResponse } from './server-transaction-base.ts';
import type { ServerTransaction, ServerTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';

/** RFC 3261 §17.2.2 non-INVITE server transaction. */
export class NonInviteServerTransaction implements ServerTransaction {
  #state: TransactionState = 'trying';
  #last: SipResponse | undefined;
  #timerJ: TimerHandle | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: MessageSource,
    private readonly env: TransactionEnv,
    private readonly user: ServerTransactionUser,
  ) {}

  get state(): TransactionState {
    return this.#state;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  receiveRequest(): void {
    // §17.2.2: a retransmission in Trying is absorbed; in Proceeding or Completed the last
    // response is sent again.
    if ((this.#state === 'proceeding' || this.#state === 'completed') && this.#last !== undefined) sendResponse(this.env, this.source, this.#last, this.user);
  }

  respond(response: SipResponse): void {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
    this.#last = response;
    sendResponse(this.env, this.source, response, this.user);
    if (response.status < 200) {
      this.#state = 'proceeding';
      return;
    }
    // §17.2.2: Completed lasts Timer J (64*T1) on unreliable transports to answer request
    // retransmissions, and ends at once on reliable ones.
    this.#state = 'completed';
    this.#timerJ = this.env.clock.setTimeout(() => this.#terminate(), this.source.transport.reliable ? 0 : 64 * this.env.timers.T1);
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.dispose();
    this.user.onTerminated?.();
  }

  dispose(): void {
    this.env.clock.clearTimeout(this.#timerJ);
  }
}
