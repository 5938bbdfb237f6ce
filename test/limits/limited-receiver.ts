// A receiving client on loopback UDP with the limits under test, and raw offerers to attack it; each
// registers its own clean-up with the test file's list.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../../src/client.ts';
import type { ClientLimits, CpmClient, LogEvent } from '../../src/client-types.ts';
import { rawOfferer, type RawOfferer } from './raw-offerer.ts';

export type Cleanup = Array<() => Promise<void>>;

export interface LimitedReceiver {
  readonly client: CpmClient;
  readonly uri: string;
  readonly inbox: string;
  readonly logs: LogEvent[];
}

export async function limitedReceiver(cleanup: Cleanup, limits: ClientLimits, prefix: string): Promise<LimitedReceiver> {
  const inbox = await mkdtemp(join(tmpdir(), prefix));
  const logs: LogEvent[] = [];
  const client = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, limits, log: (e) => logs.push(e) });
  client.receive({ dir: inbox });
  cleanup.push(async () => { await client.close(); await rm(inbox, { recursive: true, force: true }); });
  return { client, uri: `sip:bob@127.0.0.1:${client.sipAddress.port}`, inbox, logs };
}

export async function trackedOfferer(cleanup: Cleanup, uri: string): Promise<RawOfferer> {
  const p = await rawOfferer(uri);
  cleanup.push(() => p.close());
  return p;
}
