// Preloaded (node --import) into a process under test: once the process has nothing left to do, it
// allocates like a client running sessions (short-lived objects, a rolling window of them still alive
// across scavenges, as sessions in flight are; the event loop turning between batches, as it does
// between network reads) and reports V8's new space on stderr, then lets the process exit. Without a
// bound this grows new space to V8's maximum.
import { getHeapSpaceStatistics } from 'node:v8';

const newSpace = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

async function churn(): Promise<void> {
  const before = newSpace();
  const inFlight: { id: number; text: string; parts: number[] }[] = [];
  let largest = before;
  for (let i = 0; i < 600_000; i += 1) {
    inFlight.push({ id: i, text: `session-${i}`, parts: [i, i >> 3, i ^ 7] });
    if (inFlight.length > 20_000) inFlight.splice(0, 5_000);
    if (i % 2_000 === 0) {
      largest = Math.max(largest, newSpace());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  largest = Math.max(largest, newSpace());
  process.stderr.write(`heap-growth ${JSON.stringify({ before, largest, kept: inFlight.length })}\n`);
}

process.once('beforeExit', () => { void churn(); });
