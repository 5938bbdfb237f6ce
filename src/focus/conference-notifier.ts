// The notifier side of the `conference` event package (RFC 4575 over RFC 6665) for one group
// session: the originator subscribes inside its INVITE dialog (RFC 6665 §4.5.2 dialog reuse), and
// the focus NOTIFYs full state at once, on every member change and once more, terminated, at the
// end. NOTIFYs go one at a time: a second one in flight could overtake the first on UDP and be
// answered 500 for its lower CSeq (RFC 3261 §12.2.2); changes made meanwhile are coalesced into
// the next full-state document, which RFC 4575 §4.6 always allows.

import {
  buildConferenceInfo, CONFERENCE_EVENT, CONFERENCE_INFO_CONTENT_TYPE, type ConferenceInfo, type Dialog,
  type Clock, type IncomingDialogRequest, systemClock, type TimerHandle, type UserAgent,
} from '../../runtime/index.ts';

/** Longest subscription we grant; the session normally ends long before. */
const MAX_EXPIRES = 3600;

export class ConferenceNotifier {
  readonly #ua: UserAgent;
  readonly #clock: Clock;
  readonly #dialog: Dialog;
  readonly #snapshot: (active: boolean) => ConferenceInfo;
  #state: 'idle' | 'active' | 'terminated' = 'idle';
  #expiresAt = 0;
  #timer: TimerHandle | undefined;
  #sending: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(ua: UserAgent, dialog: Dialog, snapshot: (active: boolean) => ConferenceInfo) {
    this.#ua = ua;
    this.#clock = ua.options.clock ?? systemClock;
    this.#dialog = dialog;
    this.#snapshot = snapshot;
  }

  get active(): boolean { return this.#state === 'active'; }

  /** A SUBSCRIBE in the sender's dialog (the caller checked the dialog). */
  subscribe(incoming: IncomingDialogRequest): void {
    const event = (incoming.request.headers.get('Event') ?? '').split(';')[0]?.trim().toLowerCase();
    // RFC 6665 §4.2.1.2 / §8.3.2: a package we do not serve is answered 489 with Allow-Events.
    if (event !== CONFERENCE_EVENT) {
      incoming.respond(489, 'Bad Event', [{ name: 'Allow-Events', value: CONFERENCE_EVENT }]);
      return;
    }
    if (this.#state === 'terminated') {
      // RFC 6665 §4.2.1.4: a refresh of a subscription that no longer exists.
      incoming.respond(481, 'Subscription Does Not Exist');
      return;
    }
    const asked = incoming.request.headers.get('Expires');
    const requested = asked !== undefined && /^\d{1,10}$/.test(asked.trim()) ? Number(asked.trim()) : MAX_EXPIRES;
    const expires = Math.min(requested, MAX_EXPIRES);
    // RFC 6665 §4.2.1.1: the 200 carries the granted duration; the notifier then sends a NOTIFY
    // at once so the subscriber has the current state (and, for Expires: 0, the final one).
    incoming.respond(200, 'OK', [{ name: 'Expires', value: String(expires) }]);
    if (expires === 0) {
      void this.terminate('timeout');
      return;
    }
    this.#state = 'active';
    this.#expiresAt = Date.now() + expires * 1000;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => void this.terminate('timeout'), expires * 1000);
    this.changed();
  }

  /** Something changed: a NOTIFY with the new full state follows (coalesced). */
  changed(): void {
    if (this.#state !== 'active') return;
    if (this.#dirty) return;
    this.#dirty = true;
    this.#sending = this.#sending.then(() => {
      this.#dirty = false;
      if (this.#state !== 'active') return undefined;
      const left = Math.max(0, Math.round((this.#expiresAt - Date.now()) / 1000));
      return this.#notify(`active;expires=${left}`, true);
    });
  }

  /**
   * RFC 6665 §4.2.2: ends the subscription with a last NOTIFY whose Subscription-State is
   * terminated (reason noresource when the session is over, timeout when it expired or was
   * unsubscribed). Resolves once that NOTIFY was answered (or failed).
   */
  terminate(reason: 'noresource' | 'timeout'): Promise<void> {
    if (this.#state === 'terminated') return this.#sending;
    const wasSubscribed = this.#state !== 'idle' || reason === 'timeout';
    this.#state = 'terminated';
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!wasSubscribed) return this.#sending;
    this.#sending = this.#sending.then(() => this.#notify(`terminated;reason=${reason}`, reason === 'timeout'));
    return this.#sending;
  }

  async #notify(subscriptionState: string, active: boolean): Promise<void> {
    if (this.#dialog.state === 'terminated') return;
    const body = buildConferenceInfo(this.#snapshot(active));
    try {
      const { response } = await this.#ua.request(this.#dialog, 'NOTIFY', {
        body,
        contentType: CONFERENCE_INFO_CONTENT_TYPE,
        headers: [{ name: 'Event', value: CONFERENCE_EVENT }, { name: 'Subscription-State', value: subscriptionState }],
      });
      // RFC 6665 §4.2.2: a 481 (or other failure) means the subscriber is gone.
      if (response.status >= 300) this.#stop();
    } catch {
      this.#stop();
    }
  }

  #stop(): void {
    this.#state = 'terminated';
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the expiry timer without notifying (the dialog is gone). */
  close(): void { this.#stop(); }
}
