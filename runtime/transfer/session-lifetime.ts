// When a file-transfer session ends on its own: the one place that decides it, for the receiver,
// the sender and the focus alike. A session ends when its MSRP connection fails or closes before
// the files are complete, when no MSRP connection is established within the set-up time after the
// ACK, or when it is idle (no MSRP traffic) for too long. The owner is told once, with the cause,
// and then sends BYE with a Reason header (RFC 3326) and frees the session's resources and slots.
import { systemClock, type Clock, type TimerHandle } from '../clock.ts';
import { formatReason } from '../sip/syntax/reason-header.ts';

/** Why a session was ended by this side. */
export type SessionEndCause =
  /** We are the active side and could not open (or secure) the MSRP connection. */
  | 'msrp-connect-failed'
  /** The MSRP connection failed or closed while a file was still open. */
  | 'msrp-connection-lost'
  /** No MSRP connection within the set-up time after the ACK. */
  | 'msrp-setup-timeout'
  /** Every file is settled and nothing happened for the idle time (the peer never sent BYE). */
  | 'idle'
  /** A file was open but no MSRP data came for the idle time (a peer gone without FIN). */
  | 'stalled'
  /** The application stopped receiving (receive handle stopped, client closed, Ctrl-C). */
  | 'closed';

export interface SessionEnd {
  readonly cause: SessionEndCause;
  /** What happened, for people (log lines, the Reason text). */
  readonly text: string;
}

/**
 * Default set-up time: the MSRP connection must be up this long after the ACK. 10 s: a real
 * sender connects within a round trip and a TLS handshake, and gives up its own attempt after its
 * connect timeout (10 s by default) anyway; an INVITE whose MSRP never comes holds a session slot
 * only this long, so keeping all 128 slots taken needs about 13 INVITEs a second, and from at
 * least two source addresses (maxSessionsPerSource, 64).
 */
export const DEFAULT_MSRP_SETUP_TIMEOUT_MS = 10_000;
/** Default idle time: a session without MSRP traffic for this long is released. */
export const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 60_000;

// RFC 3326 §2: for protocol SIP the cause is a status code. 503: the media path is unusable; 408:
// nothing came in time; 200: a normal release of a session whose work is done.
const CAUSE_STATUS: Record<SessionEndCause, number> = {
  'msrp-connect-failed': 503,
  'msrp-connection-lost': 503,
  'msrp-setup-timeout': 408,
  idle: 200,
  stalled: 408,
  closed: 200,
};

/** The BYE's Reason header for an end we decided. */
export function reasonHeaderFor(end: SessionEnd): { readonly name: 'Reason'; readonly value: string } {
  return { name: 'Reason', value: formatReason({ cause: CAUSE_STATUS[end.cause], text: end.text }) };
}

export interface SessionLifetimeOptions {
  /** Timers run on this clock (default the system clock). */
  readonly clock?: Clock;
  /** MSRP must be established this long after the ACK; default 30 s. */
  readonly setupTimeoutMs?: number;
  /** A session without MSRP traffic this long is ended; default 60 s. */
  readonly idleTimeoutMs?: number;
  /** Whether a file is still open: decides between 'stalled' and 'idle' when the idle time passes. */
  readonly busy: () => boolean;
  /** Called once, when the session ends on its own; the owner sends BYE and frees everything. */
  readonly onEnd: (end: SessionEnd) => void;
}

export class SessionLifetime {
  readonly #options: SessionLifetimeOptions;
  readonly #clock: Clock;
  #setupTimer: TimerHandle | undefined;
  #idleTimer: TimerHandle | undefined;
  #ended = false;
  #lastActivity = 0;

  constructor(options: SessionLifetimeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  get ended(): boolean { return this.#ended; }

  /**
   * The ACK arrived (or a re-INVITE added files): MSRP must be up within the set-up time. Calling
   * it again restarts the wait; `established()` stops it. The idle watch starts here too.
   */
  expectConnection(): void {
    if (this.#ended) return;
    const ms = this.#options.setupTimeoutMs ?? DEFAULT_MSRP_SETUP_TIMEOUT_MS;
    this.#clock.clearTimeout(this.#setupTimer);
    this.#setupTimer = this.#clock.setTimeout(() => {
      this.#setupTimer = undefined;
      this.end({ cause: 'msrp-setup-timeout', text: `no MSRP connection within ${ms} ms after the ACK` });
    }, ms);
    this.activity();
  }

  /** The MSRP connection is established: the set-up wait is over. */
  established(): void {
    this.#clock.clearTimeout(this.#setupTimer);
    this.#setupTimer = undefined;
    this.activity();
  }

  /**
   * MSRP traffic (or a new file): the idle time starts again. Called per chunk, so it only notes
   * the time; the one idle timer re-arms itself for the rest of the period when it finds activity.
   */
  activity(): void {
    if (this.#ended) return;
    this.#lastActivity = this.#clock.now();
    if (this.#idleTimer === undefined) this.#armIdle(this.#options.idleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS);
  }

  #armIdle(delay: number): void {
    const ms = this.#options.idleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS;
    this.#idleTimer = this.#clock.setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#ended) return;
      const quiet = this.#clock.now() - this.#lastActivity;
      // While the set-up wait runs, that timer is the one that decides.
      if (this.#setupTimer !== undefined) {
        this.#armIdle(ms);
        return;
      }
      if (quiet < ms) {
        this.#armIdle(Math.max(1, ms - quiet));
        return;
      }
      this.end(this.#options.busy()
        ? { cause: 'stalled', text: `no MSRP data for ${ms} ms while a file was open` }
        : { cause: 'idle', text: `session idle for ${ms} ms after the last file` });
    }, delay);
  }

  /** Ends the session now with `end` (first call wins); false when it had already ended. */
  end(end: SessionEnd): boolean {
    if (this.#ended) return false;
    this.dispose();
    this.#options.onEnd(end);
    return true;
  }

  /** Stops the timers without ending anything (the session ended another way: BYE, close). */
  dispose(): void {
    this.#ended = true;
    this.#clock.clearTimeout(this.#setupTimer);
    this.#clock.clearTimeout(this.#idleTimer);
    this.#setupTimer = undefined;
    this.#idleTimer = undefined;
  }
}
