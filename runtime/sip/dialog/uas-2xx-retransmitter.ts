import type { Clock, TimerHandle } from '../../clock.ts';
import type { TimerValues } from '../transaction/transaction-env.ts';

/**
 * RFC 3261 §13.3.1.4: the UAS core itself retransmits a 2xx to INVITE, starting at T1 and
 * doubling up to T2, until the ACK arrives; if no ACK has come after 64*T1 it gives up, and the
 * dialog is then ended with a BYE (done by the caller in `onGiveUp`).
 */
export class Uas2xxRetransmitter {
  #timer: TimerHandle | undefined;
  #deadline: TimerHandle | undefined;
  #done = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerValues,
    private readonly retransmit: () => void,
    onGiveUp: () => void,
  ) {
    this.#arm(timers.T1);
    this.#deadline = clock.setTimeout(() => {
      if (this.#done) return;
      this.stop();
      onGiveUp();
    }, 64 * timers.T1);
  }

  #arm(interval: number): void {
    this.#timer = this.clock.setTimeout(() => {
      if (this.#done) return;
      this.retransmit();
      this.#arm(Math.min(interval * 2, this.timers.T2));
    }, interval);
  }

  /** The ACK arrived (or the UA is shutting down). */
  stop(): void {
    this.#done = true;
    this.clock.clearTimeout(this.#timer);
    this.clock.clearTimeout(this.#deadline);
  }
}
