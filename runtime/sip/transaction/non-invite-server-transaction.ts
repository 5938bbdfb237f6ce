import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { sendResponse } from './server-transaction-base.ts';
import type { ServerTransaction, ServerTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';
import { TransactionLifecycle } from './transaction-lifecycle.ts';

/** RFC 3261 §17.2.2 non-INVITE server transaction. */
export class NonInviteServerTransaction implements ServerTransaction {
  readonly #life: TransactionLifecycle;
  #last: SipResponse | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: MessageSource,
    private readonly env: TransactionEnv,
    private readonly user: ServerTransactionUser,
  ) {
    this.#life = new TransactionLifecycle('trying', env.clock, () => user.onTerminated?.());
  }

  get state(): TransactionState {
    return this.#life.state;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  receiveRequest(): void {
    // §17.2.2: a retransmission in Trying is absorbed; in Proceeding or Completed the last
    // response is sent again.
    if ((this.#life.state === 'proceeding' || this.#life.state === 'completed') && this.#last !== undefined) sendResponse(this.env, this.source, this.#last, this.user);
  }

  respond(response: SipResponse): void {
    if (this.#life.state !== 'trying' && this.#life.state !== 'proceeding') return;
    this.#last = response;
    sendResponse(this.env, this.source, response, this.user);
    if (response.status < 200) {
      this.#life.enter('proceeding');
      return;
    }
    // §17.2.2: Completed lasts Timer J (64*T1) on unreliable transports to answer request
    // retransmissions, and ends at once on reliable ones.
    this.#life.enter('completed');
    this.#life.start('J', this.source.transport.reliable ? 0 : 64 * this.env.timers.T1, () => this.#life.terminate());
  }

  dispose(): void {
    this.#life.dispose();
  }
}
