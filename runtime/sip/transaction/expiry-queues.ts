// Deadlines for many items that each live one of a few fixed lifetimes (a finished transaction
// lives T4, 64*T1 or 0 ms). Items of one lifetime expire in the order they were added, so one timer
// per lifetime serves them all: no timer object and no closure per item, and no timer to arm or
// clear per item either.

import type { Clock, TimerHandle } from '../../clock.ts';

interface Entry<T> {
  readonly item: T;
  readonly due: number;
}

class Queue<T> {
  readonly #entries: Entry<T>[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly onExpire: (item: T) => void,
  ) {}

  add(item: T): void {
    this.#entries.push({ item, due: this.clock.now() + this.ms });
    if (this.#timer === undefined) this.#arm();
  }

  #arm(): void {
    const first = this.#entries[this.#head];
    if (first === undefined) return;
    this.#timer = this.clock.setTimeout(() => this.#fire(), Math.max(0, first.due - this.clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.clock.now();
    // Every entry due by now expires (a late timer catches up in order); the rest wait.
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head]!;
      if (entry.due > now) break;
      this.#head += 1;
      this.onExpire(entry.item);
    }
    // Drop the expired prefix once it is at least half of the array, so it never grows unbounded.
    if (this.#head > 64 && this.#head * 2 >= this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
    this.#arm();
  }

  dispose(): void {
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#entries.length = 0;
    this.#head = 0;
  }
}

export class ExpiryQueues<T> {
  readonly #queues = new Map<number, Queue<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (item: T) => void,
  ) {}

  /** `onExpire(item)` runs `ms` after now (items of equal `ms` in the order added). */
  add(item: T, ms: number): void {
    let queue = this.#queues.get(ms);
    if (queue === undefined) this.#queues.set(ms, (queue = new Queue(this.clock, ms, this.onExpire)));
    queue.add(item);
  }

  dispose(): void {
    for (const queue of this.#queues.values()) queue.dispose();
    this.#queues.clear();
  }
}
