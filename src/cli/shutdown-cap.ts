// The bound on a signalled shutdown. After SIGTERM/SIGINT a command releases what it can (CANCEL,
// BYE, MSRP '#' chunks, temporary files) but must not wait on a peer that never answers: a
// service manager escalates a slow SIGTERM to SIGKILL, which would leave temporary files behind
// and print nothing. So the exit is armed when the signal arrives and happens at the cap whatever
// is still pending, after saying which files were interrupted.

/**
 * How long a command may keep closing after the first signal. Each closing step that waits on the
 * peer (the answer to a '#' chunk, a BYE, the peer's half-close) is bounded below this, so the cap
 * is reached only when a peer stays silent.
 */
export const SHUTDOWN_GRACE_MS = 1500;

export interface ShutdownCapOptions {
  readonly graceMs?: number;
  /** Exits the process (tests pass a recorder). */
  readonly exit: (code: number) => void;
  /** The exit status at the cap. */
  readonly code: number;
  /** Written just before the forced exit: what was interrupted, and that closing did not finish. */
  readonly lastWords: () => string;
  readonly write: (text: string) => void;
}

/** Arms the forced exit; the returned function disarms it once closing finished in time. */
export function armShutdownCap(options: ShutdownCapOptions): () => void {
  const graceMs = options.graceMs ?? SHUTDOWN_GRACE_MS;
  const timer = setTimeout(() => {
    options.write(options.lastWords());
    options.exit(options.code);
  }, graceMs);
  return () => clearTimeout(timer);
}

/** 'SIGINT' exits 130, 'SIGTERM' 143 (128 + the signal number, as a shell reports it). */
export const signalExitCode = (signal: 'SIGINT' | 'SIGTERM'): number => (signal === 'SIGINT' ? 130 : 143);


export interface SignalShutdownOptions {
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe (tests pass a fake). */
  readonly subscribe: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
  readonly graceMs?: number;
  readonly exit: (code: number) => void;
  readonly write: (text: string) => void;
  /** What the forced exit at the cap prints, for the first signal received. */
  readonly lastWords: (signal: 'SIGINT' | 'SIGTERM') => string;
  /** Starts closing: runs once, on the first signal, after the cap is armed. */
  readonly onFirst: (signal: 'SIGINT' | 'SIGTERM') => void;
}

export interface SignalShutdown {
  /** The first signal received, if any. */
  readonly signalled: 'SIGINT' | 'SIGTERM' | undefined;
  /** Closing finished in time: disarms the cap and stops listening. */
  release(): void;
}

/**
 * The first signal arms the cap and starts closing; a second one exits at once (the user insists).
 * Shared by the commands that hold a transfer, so each states only what it closes and what it names.
 */
export function handleShutdownSignals(options: SignalShutdownOptions): SignalShutdown {
  let signalled: 'SIGINT' | 'SIGTERM' | undefined;
  let disarm: () => void = () => undefined;
  const unsubscribe = options.subscribe((signal) => {
    if (signalled !== undefined) {
      options.exit(signalExitCode(signal));
      return;
    }
    signalled = signal;
    disarm = armShutdownCap({
      ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
      exit: options.exit,
      code: signalExitCode(signal),
      write: options.write,
      lastWords: () => options.lastWords(signal),
    });
    options.onFirst(signal);
  });
  return {
    get signalled() { return signalled; },
    release: () => { disarm(); unsubscribe(); },
  };
}
