// The bookkeeping all four RFC 3261 §17 transactions share: the current state, the named timers
// running in it, and the one-way move to Terminated. The state machines themselves (which event
// moves where, which timer starts when) stay in their own classes, next to their §17 comments.
import type { Clock, TimerHandle } from '../../clock.ts';
import { CpmError } from '../../errors.ts';
import type { TransactionState } from './transaction-env.ts';

/**
 * RFC 3261 §17 transaction timers (Timer C belongs to proxies), RFC 6026's Timers L and M, and
 * 'Trying': the §17.2.1 limit (200 ms) after which an INVITE server transaction owes a 100 Trying.
 */
export type TransactionTimer = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

export class TransactionLifecycle {
  #state: TransactionState;
  readonly #timers = new Map<TransactionTimer, TimerHandle>();

  /** `onTerminated` runs once, when the transaction enters Terminated (not on `dispose`). */
  constructor(
    initial: TransactionState,
    private readonly clock: Clock,
    private readonly onTerminated: () => void,
  ) {
    this.#state = initial;
  }

  get state(): TransactionState {
    return this.#state;
  }

  /** Moves to another live state; only `terminate` enters Terminated, so its cleanup always runs. */
  enter(state: Exclude<TransactionState, 'terminated'>): void {
    this.#state = state;
  }

  /** Starts `timer`, replacing a running timer of the same name (a retransmit timer re-arming itself). */
  start(timer: TransactionTimer, ms: number, onFire: () => void): void {
    this.clock.clearTimeout(this.#timers.get(timer));
    this.#timers.set(timer, this.clock.setTimeout(onFire, ms));
  }

  stop(...timers: TransactionTimer[]): void {
    for (const timer of timers) {
      this.clock.clearTimeout(this.#timers.get(timer));
      this.#timers.delete(timer);
    }
  }

  /** Enters Terminated, stops every timer and tells the TU; false if it had already ended. */
  terminate(): boolean {
    if (this.#state === 'terminated') return false;
    this.#state = 'terminated';
    this.dispose();
    this.onTerminated();
    return true;
  }

  /** Stops every timer without ending the transaction (UA shutdown drops it instead). */
  dispose(): void {
    for (const handle of this.#timers.values()) this.clock.clearTimeout(handle);
    this.#timers.clear();
  }
}

/** A failed send as the ERR_SIP_TRANSPORT the TU is told about (RFC 3261 §17.1.4, §17.2.4). */
export function transportError(err: unknown): CpmError {
  return err instanceof CpmError ? err : new CpmError('ERR_SIP_TRANSPORT', String(err), { cause: err });
}
