// What every fault test checks at the end: the user was told what failed (with a cause), the
// receiving folder holds no complete-looking file and, once the session is over, no temporary
// `.part` either (a resumable `.cpm-resume-*.part` only where the test asked for one).

import { readdir } from 'node:fs/promises';
import { expect } from 'vitest';

/** Names in `dir`, sorted; a missing folder counts as empty. */
export async function folderNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Polls until `check` holds, failing with `what` after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The receiving folder ends up empty: no final name, no temporary data (after `ms` at most). */
export async function expectNothingPublished(dir: string, ms = 5000): Promise<void> {
  await eventually(async () => (await folderNames(dir)).length === 0, `leftovers in ${dir}: ${(await folderNames(dir)).join(', ')}`, ms).catch(() => undefined);
  expect(await folderNames(dir)).toEqual([]);
}
