import type { TimerHandle } from '../../clock.ts';
import { CpmError } from '../../errors.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { PeerAddress, SipTransport } from '../transport/sip-transport.ts';
import type { ClientTransaction, ClientTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';

/** RFC 3261 §17.1.2 non-INVITE client transaction (BYE, CANCEL, OPTIONS, re-used for in-dialog requests). */
export class NonInviteClientTransaction implements ClientTransaction {
  #state: TransactionState = 'trying';
  #timerE: TimerHandle | undefined;
  #timerF: TimerHandle | undefined;
  #timerK: TimerHandle | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    private readonly transport: SipTransport,
    private readonly destination: PeerAddress,
    private readonly env: TransactionEnv,
    private readonly user: ClientTransactionUser,
  ) {
    this.#send();
    // §17.1.2.2: on unreliable transports Timer E starts at T1 and doubles up to T2.
    if (!transport.reliable) this.#armE(env.timers.T1);
    // §17.1.2.2: Timer F (64*T1) is the transaction timeout, in Trying and Proceeding alike.
    this.#timerF = env.clock.setTimeout(() => {
      if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
      this.#terminate();
      this.user.onTimeout();
    }, 64 * env.timers.T1);
  }

  get state(): TransactionState {
    return this.#state;
  }

  #armE(interval: number): void {
    this.#timerE = this.env.clock.setTimeout(() => {
      if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
      this.#send();
      // §17.1.2.2: in Trying the interval doubles up to T2; in Proceeding it stays at T2.
      this.#armE(this.#state === 'proceeding' ? this.env.timers.T2 : Math.min(interval * 2, this.env.timers.T2));
    }, interval);
  }

  receiveResponse(response: SipResponse): void {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return; // §17.1.2.2: Completed absorbs retransmissions
    if (response.status < 200) {
      this.#state = 'proceeding';
      this.user.onResponse(response);
      return;
    }
    // §17.1.2.2: a final response goes to the TU; Completed lasts T4 on unreliable transports
    // (Timer K) to absorb retransmitted responses, and ends at once on reliable ones.
    this.#state = 'completed';
    this.env.clock.clearTimeout(this.#timerE);
    this.env.clock.clearTimeout(this.#timerF);
    this.#timerK = this.env.clock.setTimeout(() => this.#terminate(), this.transport.reliable ? 0 : this.env.timers.T4);
    this.user.onResponse(response);
  }

  #send(): void {
    this.env.send(this.request, this.transport, this.destination).catch((err: unknown) => {
      if (this.#state === 'terminated') return;
      this.#terminate();
      this.user.onTransportError(err instanceof CpmError ? err : new CpmError('ERR_SIP_TRANSPORT', String(err), { cause: err }));
    });
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.dispose();
    this.user.onTerminated?.();
  }

  dispose(): void {
    for (const t of [this.#timerE, this.#timerF, this.#timerK]) this.env.clock.clearTimeout(t);
  }
}
