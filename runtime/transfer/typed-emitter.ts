// A minimal typed event emitter: listeners run synchronously and a throwing listener never breaks
// the protocol code that emitted the event. `once` and `off` behave as Node's EventEmitter's do
// (a `once` listener can be removed with `off` by the function that was given).

type Listener = (payload: never) => void;

interface Entry {
  readonly listener: Listener;
  readonly once: boolean;
}

export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Entry[]>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): this {
    return this.#add(event, listener as Listener, false);
  }

  /** The listener runs for the next `event` only. */
  once<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): this {
    return this.#add(event, listener as Listener, true);
  }

  /** Removes the most recently added registration of `listener` for `event` (as Node does). */
  off<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]?.listener === listener) {
        list.splice(i, 1);
        break;
      }
    }
    return this;
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    // A copy: listeners added or removed while emitting take effect from the next event.
    for (const entry of [...list]) {
      if (entry.once) {
        const at = list.indexOf(entry);
        if (at === -1) continue;
        list.splice(at, 1);
      }
      try {
        (entry.listener as (payload: Events[E]) => void)(payload);
      } catch {
        // A listener's bug is the application's; the transfer goes on.
      }
    }
  }

  #add(event: keyof Events, listener: Listener, once: boolean): this {
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener, once });
    this.#listeners.set(event, list);
    return this;
  }
}
