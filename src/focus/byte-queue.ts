// A byte-counted queue between one producer (the chunks arriving from the sender) and one
// consumer (an MSRP OutgoingMessage reading its source), so the focus can forward chunks as they
// arrive while holding at most a bounded amount per member leg.

/** Async-iterable queue of buffers with a byte high-water mark the producer can wait on. */
export class ByteQueue implements AsyncIterable<Buffer> {
  readonly highWaterMark: number;
  #items: Buffer[] = [];
  #bytes = 0;
  #ended = false;
  #abandoned = false;
  #error: Error | undefined;
  #reader: (() => void) | undefined;
  #drainWaiters: (() => void)[] = [];

  constructor(highWaterMark: number) {
    this.highWaterMark = Math.max(1, highWaterMark);
  }

  /** Bytes queued and not yet taken by the consumer. */
  get bytes(): number { return this.#bytes; }
  /** True once the consumer is gone (the leg failed): pushes are dropped, nobody waits on it. */
  get abandoned(): boolean { return this.#abandoned; }
  get full(): boolean { return !this.#abandoned && this.#bytes >= this.highWaterMark; }

  push(data: Buffer): void {
    if (this.#ended || this.#abandoned) return;
    this.#items.push(data);
    this.#bytes += data.length;
    this.#wakeReader();
  }

  /** Resolves once the queue is below its high-water mark (or abandoned). */
  whenNotFull(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** No more data: the consumer sees the end once it took everything queued. */
  end(): void {
    this.#ended = true;
    this.#wakeReader();
  }

  /** The producer gave up: the consumer's next read throws. */
  fail(error: Error): void {
    this.#error = error;
    this.#ended = true;
    this.#wakeReader();
  }

  /** Takes every queued buffer out (a leg moving to another queue); the producer is released. */
  drain(): Buffer[] {
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    this.#releaseProducers();
    return items;
  }

  /** The consumer gave up: drop what is queued and release a waiting producer. */
  abandon(): void {
    this.#abandoned = true;
    this.#items = [];
    this.#bytes = 0;
    this.#releaseProducers();
    this.#wakeReader();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const next = this.#items.shift();
      if (next !== undefined) {
        this.#bytes -= next.length;
        if (!this.full) this.#releaseProducers();
        yield next;
        continue;
      }
      if (this.#ended || this.#abandoned) return;
      await new Promise<void>((resolve) => { this.#reader = resolve; });
    }
  }

  #wakeReader(): void {
    const r = this.#reader;
    this.#reader = undefined;
    r?.();
  }

  #releaseProducers(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }
}
