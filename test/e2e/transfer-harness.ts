// Loopback harness for the end-to-end tests: two real clients on 127.0.0.1 (ephemeral ports),
// temporary folders, test files and SHA-1 helpers. Everything it opens is closed by `close()`.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClientExtraOptions, type ReceiveExtraOptions } from '../../src/client.ts';
import { seedProcedures } from '../helpers/seed-spec.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import type { ClientOptions, CpmClient, LogEvent, ReceiveOptions, SipTransportName } from '../../src/client-types.ts';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `cpm-ft-${prefix}-`));
}

/** Writes `size` pseudo-random bytes in 1 MiB blocks (each block differs, so misplaced chunks show). */
export async function writeTestFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    const block = randomBytes(Math.min(size, 1024 * 1024));
    let written = 0;
    let n = 0;
    while (written < size) {
      const len = Math.min(block.length, size - written);
      if (block.length >= 4) block.writeUInt32BE(n++ >>> 0, 0);
      await handle.write(block, 0, len, written);
      written += len;
    }
  } finally {
    await handle.close();
  }
}

export async function sha1Of(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export interface SipRecord {
  readonly side: 'sender' | 'receiver';
  readonly direction: 'sent' | 'received';
  readonly method: string;
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly uri: string | undefined;
  readonly require: string | undefined;
  readonly contentType: string | undefined;
}

export interface Pair {
  readonly sender: CpmClient;
  readonly receiver: CpmClient;
  readonly receiverUri: string;
  readonly inbox: string;
  readonly outbox: string;
  readonly logs: LogEvent[];
  /** Resolves at the receiver's next 'session-end' (its files are then published or discarded). */
  sessionEnd(): Promise<{ from: string; files: number }>;
  /** SIP messages as the sender saw them. */
  sip(side?: 'sender' | 'receiver'): SipRecord[];
  close(): Promise<void>;
}

let baseline: HandleSnapshot | undefined;

/** Call in beforeEach: remembers the live handles so `close()` can check nothing leaked. */
export async function markHandles(): Promise<void> {
  baseline = await snapshotHandles();
}

export async function startPair(
  transport: SipTransportName,
  options: { sender?: Partial<ClientOptions> & ClientExtraOptions; receive?: Omit<ReceiveOptions, 'dir'> & ReceiveExtraOptions; tls?: ClientExtraOptions['tls'] } = {},
): Promise<Pair> {
  const inbox = await tempDir('inbox');
  const outbox = await tempDir('outbox');
  const logs: LogEvent[] = [];
  const records: SipRecord[] = [];
  const hook = (side: 'sender' | 'receiver') => (event: LogEvent): void => {
    logs.push({ ...event, side });
    if (event.kind === 'sip' && typeof event['method'] === 'string' && event.direction !== undefined) {
      records.push({
        side,
        direction: event.direction,
        method: event['method'],
        status: typeof event['status'] === 'number' ? event['status'] : undefined,
        body: typeof event['body'] === 'string' ? event['body'] : undefined,
        uri: typeof event['uri'] === 'string' ? event['uri'] : undefined,
        require: typeof event['require'] === 'string' ? event['require'] : undefined,
        contentType: typeof event['contentType'] === 'string' ? event['contentType'] : undefined,
      });
    }
  };
  const tls = options.tls === undefined ? {} : { tls: options.tls };
  // The assertions of these tests follow the seed spec's rules (re-INVITE after a batch, BYE, m-line
  // reuse), so both clients run the procedures generated from its frozen copy, not the live spec/.
  const procedures = await seedProcedures();
  const receiver = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport }, log: hook('receiver'), procedures, ...tls });
  receiver.receive({ dir: inbox, ...options.receive });
  const ends: Array<{ from: string; files: number }> = [];
  const endWaiters: Array<(e: { from: string; files: number }) => void> = [];
  receiver.on('session-end', (e) => {
    const waiter = endWaiters.shift();
    if (waiter) waiter(e);
    else ends.push(e);
  });
  const sender = await createClient({
    localUri: 'sip:alice@127.0.0.1',
    sip: { host: '127.0.0.1', port: 0, transport },
    log: hook('sender'),
    procedures,
    ...tls,
    ...options.sender,
  });
  const suffix = transport === 'udp' ? '' : `;transport=${transport}`;
  return {
    sender,
    receiver,
    receiverUri: `sip:bob@127.0.0.1:${receiver.sipAddress.port}${suffix}`,
    inbox,
    outbox,
    logs,
    sessionEnd: () => {
      const ready = ends.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => endWaiters.push(resolve));
    },
    sip: (side = 'sender') => records.filter((r) => r.side === side),
    async close() {
      await sender.close();
      await receiver.close();
      await rm(inbox, { recursive: true, force: true });
      await rm(outbox, { recursive: true, force: true });
      if (baseline !== undefined) await assertNoLeakedHandles(baseline, 2000);
    },
  };
}
