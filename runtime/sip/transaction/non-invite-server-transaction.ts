import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import { FinishedTransaction, wireCopy, type FinishedTransactions } from './finished-transaction.ts';
import { responseTarget, sendResponse } from './server-transaction-base.ts';
import type { ServerTransaction, ServerTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';
import { TransactionLifecycle } from './transaction-lifecycle.ts';

/** RFC 3261 §17.2.2 non-INVITE server transaction. */
export class NonInviteServerTransaction implements ServerTransaction {
  readonly #life: TransactionLifecycle;
  #last: SipResponse | undefined;
  /** Set once the final response is sent: the record that lives out Timer J. */
  #finished: FinishedTransaction | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: MessageSource,
    private readonly env: TransactionEnv,
    private readonly user: ServerTransactionUser,
    private readonly finished: FinishedTransactions,
  ) {
    this.#life = new TransactionLifecycle('trying', env.clock, () => user.onTerminated?.());
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
      this.#finished.receiveRequest(request);
      return;
    }
    // §17.2.2: a retransmission in Trying is absorbed; in Proceeding the last provisional
    // response is sent again.
    if (this.#life.state === 'proceeding' && this.#last !== undefined) sendResponse(this.env, this.source, this.#last, this.user);
  }

  respond(response: SipResponse): void {
    if (this.#finished !== undefined) return;
    const to = responseTarget(this.source, response);
    sendResponse(this.env, this.source, response, this.user, to);
    if (response.status < 200) {
      this.#last = response;
      this.#life.enter('proceeding');
      return;
    }
    // §17.2.2: Completed lasts Timer J (64*T1) on unreliable transports to answer request
    // retransmissions with the final response, and ends at once on reliable ones. The record that
    // lives it out holds the key and the serialized response only.
    this.#last = undefined;
    this.#life.dispose();
    const record = new FinishedTransaction(this.key, 'non-invite-server', 'completed', this.finished, wireCopy(response, this.source.transport, to));
    this.#finished = record;
    this.finished.expireAfter(record, this.source.transport.reliable ? 0 : 64 * this.env.timers.T1);
    this.user.onFinished?.(record);
  }

  dispose(): void {
    this.#life.dispose();
    this.#finished?.dispose();
  }
}
