// Every external peer a test starts (tshark, sipp, kamailio) is registered here, so an afterEach/afterAll
// hook — or the process exit as a last resort — can kill what a failing test left behind.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

// A child that could not be started (ENOENT, EACCES) emits 'error' and never 'exit': it counts as
// gone at once, so no hook waits for it until its timeout.
const spawnFailed = new WeakSet<ChildProcess>();

const gone = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null || spawnFailed.has(child);

/** Registers a child; it is forgotten automatically once it exits (or fails to start). */
export function trackChild(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => {
    if (child.pid === undefined) { spawnFailed.add(child); live.delete(child); }
  });
  return child;
}

/** Resolves when the child has exited, or failed to start (immediately if it already has). */
export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (gone(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => { if (child.pid === undefined) resolve({ code: null, signal: null }); });
  });
}

/**
 * Sends `signal`, waits up to `graceMs` for the exit, then SIGKILLs. Resolves once the process is gone,
 * so no test ever returns with a peer still running.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (gone(child)) return;
  const exited = waitForExit(child);
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), graceMs); }),
  ]);
  if (timer !== undefined) clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** For afterEach/afterAll: stops every child still registered. */
export async function killTrackedChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, 'SIGTERM', 2000)));
}

/** Number of registered children still running (for assertions in tests). */
export function trackedChildCount(): number {
  return live.size;
}

// Last resort when a worker dies with children alive: synchronous SIGKILL on exit.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
