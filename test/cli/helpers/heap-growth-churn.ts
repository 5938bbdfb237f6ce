// Preloaded (node --import) into a process under test: once the process has nothing left to do, it
// allocates like a client running sessions (short-lived objects, a rolling window of them still alive
// across scavenges, as sessions in flight are; the event loop turning between batches, as it does
// between network reads), then with a larger window that survives into the old generation beside a
// fixed live set, and reports the largest new and old space it saw on stderr, then lets the process
// exit. Without a bound the first phase grows new space to V8's maximum and the second grows old
// space to several times what is live.
import { getHeapSpaceStatistics } from 'node:v8';

const spaceSize = (name: string): number => getHeapSpaceStatistics().find((space) => space.space_name === name)?.space_size ?? 0;
const newSpace = (): number => spaceSize('new_space');
const turn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

async function churn(): Promise<void> {
  const before = newSpace();
  const inFlight: { id: number; text: string; parts: number[] }[] = [];
  let largest = before;
  for (let i = 0; i < 600_000; i += 1) {
    inFlight.push({ id: i, text: `session-${i}`, parts: [i, i >> 3, i ^ 7] });
    if (inFlight.length > 20_000) inFlight.splice(0, 5_000);
    if (i % 2_000 === 0) {
      largest = Math.max(largest, newSpace());
      await turn();
    }
  }
  largest = Math.max(largest, newSpace());
  const live = Array.from({ length: 100_000 }, (_, i) => ({ id: i, text: `live-${i}` }));
  let promoted: { id: number; text: string }[] = [];
  let largestOld = 0;
  for (let i = 0; i < 2_000_000; i += 1) {
    promoted.push({ id: i, text: `kept-${i}` });
    if (promoted.length > 60_000) promoted = promoted.slice(30_000);
    if (i % 5_000 === 0) {
      largestOld = Math.max(largestOld, spaceSize('old_space'));
      await turn();
    }
  }
  process.stderr.write(`heap-growth ${JSON.stringify({ before, largest, largestOld, kept: inFlight.length + live.length + promoted.length })}\n`);
}

process.once('beforeExit', () => { void churn(); });
