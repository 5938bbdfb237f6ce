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

