// The soak's receiver: one cpm-ft client receiving with small limits and short session timers, in
// its own process so its RSS is its own. Each "status" line on stdin is answered with one JSON line
// on stdout: RSS, sessions open and slots held, the MSRP port (for the garbage). A "snapshot PATH"
// line writes a V8 heap snapshot of this process to PATH first, then answers the same way.
// Stands for the CLI: its heap policy first, the client loaded after it (heap-growth-first.ts).
import './heap-growth-first.ts';
import { mkdir } from 'node:fs/promises';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { createInterface } from 'node:readline';
import type { ReceiveExtraOptions } from '../src/client.ts';
import type { ReceiveOptions } from '../src/client-types.ts';

const { createClient, inspectClient } = await import('../src/client.ts');
const [dir = '.', setupMs = '2000', idleMs = '2000', maxSessions = '64'] = process.argv.slice(2);
await mkdir(dir, { recursive: true });
const client = await createClient({
  localUri: 'sip:soak@127.0.0.1',
  sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
  limits: { maxSessions: Number(maxSessions), maxSessionsPerPeer: Number(maxSessions) },
});
const receive: ReceiveOptions & ReceiveExtraOptions = { dir, msrpSetupTimeoutMs: Number(setupMs), idleTimeoutMs: Number(idleMs) };
client.receive(receive);
const inner = inspectClient(client);
const gc = (globalThis as { gc?: () => void }).gc;
const status = (afterGc: boolean): string => {
  const memory = process.memoryUsage();
  return JSON.stringify({
    afterGc,
    rssBytes: memory.rss,
    // The live heap beside RSS: a leak grows both, while RSS growing over a flat live heap is the
    // allocator or V8 keeping pages it has freed.
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    // V8's young generation as reserved, which grows with allocation bursts: tells a step of
    // heapTotal over a flat live heap in that space from one in the old generation.
    newSpaceBytes: getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
    openSessions: inner?.receivers[0]?.openSessions ?? -1,
    heldSessions: inner?.receivers[0]?.heldSessions.total ?? -1,
    sipPort: client.sipAddress.port,
    msrpPort: inner?.endpoint.port ?? 0,
  });
};
process.stdout.write(`${status(false)}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const text = line.trim();
  const snapshot = text.startsWith('snapshot ');
  if (snapshot) writeHeapSnapshot(text.slice('snapshot '.length));
  if (text === 'status' || snapshot) {
    // A collection first, so the RSS compared is live memory rather than garbage not yet reclaimed.
    gc?.();
    process.stdout.write(`${status(gc !== undefined)}\n`);
  }
}).on('close', () => { void client.close().then(() => process.exit(0)); });
