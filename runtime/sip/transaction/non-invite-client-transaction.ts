import type { CpmError } from '../../errors.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { PeerAddress, SipTransport } from '../transport/sip-transport.ts';
import type { ClientTransaction, ClientTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';
import { TransactionLifecycle, transportError } from './transaction-lifecycle.ts';
import { FinishedTransaction, type FinishedTransactions } from './finished-transaction.ts';

/** RFC 3261 §17.1.2 non-INVITE client transaction (BYE, CANCEL, OPTIONS, re-used for in-dialog requests). */
export class NonInviteClientTransaction implements ClientTransaction {
  readonly #life: TransactionLifecycle;
  /** Set once the final response came: the record that lives out Timer K. */
  #finished: FinishedTransaction | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    private readonly transport: SipTransport,
    private readonly destination: PeerAddress,
    private readonly env: TransactionEnv,
    private readonly user: ClientTransactionUser,
    private readonly finished: FinishedTransactions,
  ) {
    this.#life = new TransactionLifecycle('trying', env.clock, () => user.onTerminated?.());
    this.#send();
    // §17.1.2.2: on unreliable transports Timer E starts at T1 and doubles up to T2.
    if (!transport.reliable) this.#armE(env.timers.T1);
    // §17.1.2.2: Timer F (64*T1) is the transaction timeout, in Trying and Proceeding alike.
    this.#life.start('F', 64 * env.timers.T1, () => {
      if (!this.#awaitingFinal()) return;
      this.#life.terminate();
      this.user.onTimeout();
    });
  }

  get state(): TransactionState {
    return this.#finished?.state ?? this.#life.state;
  }

  #awaitingFinal(): boolean {
    return this.#life.state === 'trying' || this.#life.state === 'proceeding';
  }

  #armE(interval: number): void {
    this.#life.start('E', interval, () => {
      if (!this.#awaitingFinal()) return;
      this.#send();
      // §17.1.2.2: in Trying the interval doubles up to T2; in Proceeding it stays at T2.
      this.#armE(this.#life.state === 'proceeding' ? this.env.timers.T2 : Math.min(interval * 2, this.env.timers.T2));
    });
  }

  receiveResponse(response: SipResponse): void {
    if (this.#finished !== undefined) {
      this.#finished.receiveResponse(response);
      return;
    }
    if (!this.#awaitingFinal()) return;
    if (response.status < 200) {
      this.#life.enter('proceeding');
      this.user.onResponse(response);
      return;
    }
    // §17.1.2.2: a final response goes to the TU; Completed lasts T4 on unreliable transports
    // (Timer K) to absorb retransmitted responses, and ends at once on reliable ones. Absorbing
    // needs only the key, so a record with nothing else lives out Timer K.
    this.#life.dispose();
    const record = new FinishedTransaction(this.key, 'non-invite-client', 'completed', this.finished);
    this.#finished = record;
    this.finished.expireAfter(record, this.transport.reliable ? 0 : this.env.timers.T4);
    this.user.onFinished?.(record);
    this.user.onResponse(response);
  }

  #send(): void {
    this.env.send(this.request, this.transport, this.destination).catch((err: unknown) => {
      // §17.1.4: a transport failure is reported to the TU and ends the transaction.
      if (this.#finished === undefined && this.#life.terminate()) this.user.onTransportError(transportError(err));
    });
  }

  transportFailed(error: CpmError): void {
    // §17.1.4: as a failed send: the transaction ends and the TU hears of it once (a finished one
    // has its final response already).
    if (this.#finished === undefined && this.#life.terminate()) this.user.onTransportError(error);
  }

  dispose(): void {
    this.#life.dispose();
    this.#finished?.dispose();
  }
}
