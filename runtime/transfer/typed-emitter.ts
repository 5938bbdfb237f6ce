// A minimal typed event emitter: listeners run synchronously and a throwing listener never breaks
// the protocol code that emitted the event.

export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Array<(payload: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): this {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as (payload: never) => void);
    this.#listeners.set(event, list);
    return this;
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch {
        // A listener's bug is the application's; the transfer goes on.
      }
    }
  }
}
