// Asserts that a test left nothing running: no sockets, timers or child processes beyond what was
// there before it started. Node reports live libuv resources by type name.
import { trackedChildCount } from './child-process-registry.ts';

export interface HandleSnapshot {
  readonly resources: readonly string[];
  readonly children: number;
}

/**
 * Takes the baseline after a few loop turns, so handles that an earlier test is still closing do not
 * inflate it (they would hide a leak of the same type later).
 */
export async function snapshotHandles(settleMs = 20): Promise<HandleSnapshot> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, settleMs));
  return { resources: process.getActiveResourcesInfo(), children: trackedChildCount() };
}

function counts(list: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const name of list) map.set(name, (map.get(name) ?? 0) + 1);
  return map;
}

/** Resource types (with how many more) that exist now but did not in `before`. */
export function leakedSince(before: HandleSnapshot): string[] {
  const then = counts(before.resources);
  const leaked: string[] = [];
  for (const [name, n] of counts(process.getActiveResourcesInfo())) {
    const extra = n - (then.get(name) ?? 0);
    if (extra > 0) leaked.push(`${name} x${extra}`);
  }
  const children = trackedChildCount() - before.children;
  if (children > 0) leaked.push(`ChildProcess x${children}`);
  return leaked;
}

/**
 * Waits (closing is asynchronous: a socket's handle goes away on the next loop turns) until nothing new
 * is left, then resolves; otherwise throws naming what leaked.
 */
export async function assertNoLeakedHandles(before: HandleSnapshot, graceMs = 500): Promise<void> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const leaked = leakedSince(before);
    if (leaked.length === 0) return;
    if (Date.now() >= deadline) throw new Error(`test left handles open: ${leaked.join(', ')}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => { const t = setTimeout(resolve, 10); t.unref(); });
  }
}
