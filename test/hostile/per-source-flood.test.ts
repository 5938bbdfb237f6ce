// Per-source limits: one loopback address (127.0.0.2) floods the receiver (INVITEs with a new
// forged From each whose MSRP never comes, silent MSRP and SIP/TCP connections) while another
// (127.0.0.1) completes a real transfer. The flood is bounded by the transport source address,
// so it cannot take the slots of the global limits, and a forged From does not get around it.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, inspectClient } from '../../src/client.ts';
import type { ClientLimits, CpmClient, LogEvent } from '../../src/client-types.ts';
import { fileOffer, newSid, rawOfferer } from '../limits/raw-offerer.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function receiver(transport: 'udp' | 'tcp', limits: ClientLimits): Promise<{ client: CpmClient; uri: string; inbox: string; logs: LogEvent[] }> {
  const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-flood-'));
  const logs: LogEvent[] = [];
  const client = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport }, limits, log: (e) => logs.push(e) });
  client.receive({ dir: inbox });
  cleanup.push(async () => { await client.close(); await rm(inbox, { recursive: true, force: true }); });
  const suffix = transport === 'tcp' ? ';transport=tcp' : '';
  return { client, uri: `sip:bob@127.0.0.1:${client.sipAddress.port}${suffix}`, inbox, logs };
}

/** `count` silent TCP connections from `localAddress`; resolves once each is open or closed by the peer. */
async function silentConnections(port: number, localAddress: string, count: number): Promise<Socket[]> {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.on('error', () => resolve(s));
  })));
  cleanup.push(async () => { for (const s of sockets) s.destroy(); });
  return sockets;
}

const stillOpen = (sockets: readonly Socket[]): number => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;

async function sendReal(to: string, transport: 'udp' | 'tcp'): Promise<{ ok: boolean; name: string; data: Buffer }> {
  const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-flood-out-'));
  const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport } });
  cleanup.push(async () => { await alice.close(); await rm(outbox, { recursive: true, force: true }); });
  const data = randomBytes(300_000);
  await writeFile(join(outbox, 'during-flood.bin'), data);
  const summary = await alice.send({ kind: 'one-recipient', uri: to }, [join(outbox, 'during-flood.bin')]).done;
  return { ok: summary.ok, name: 'during-flood.bin', data };
}

describe('a flood from one source address does not keep another out', () => {
  it('INVITEs with forged From addresses and silent MSRP sockets from 127.0.0.2 are bounded per source; 127.0.0.1 completes a transfer', async () => {
    const bob = await receiver('udp', { maxSessions: 8, maxSessionsPerSource: 4, maxSessionsPerPeer: 8, msrpMaxSilentConnectionsPerSource: 4 });
    const msrpPort = inspectClient(bob.client)?.endpoint.port ?? 0;
    // Squatting: every INVITE under a new From, each one's MSRP path dead (a=setup:active, so
    // the receiver only waits for the connection that never comes).
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const forged = await rawOfferer(`sip:user${i}@forged${i}.example`, '127.0.0.2');
      cleanup.push(() => forged.close());
      const result = await forged.invite(bob.uri, fileOffer({ path: `msrp://127.0.0.2:9/${newSid()};tcp`, setup: 'active', name: `squat-${i}.bin`, data: randomBytes(16) }));
      statuses.push(result.response.status);
    }
    // Silent MSRP sockets from the same address.
    const silent = await silentConnections(msrpPort, '127.0.0.2', 20);
    // Four sessions (maxSessionsPerSource) whatever the From; the rest 486 Busy Here.
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 486)).toHaveLength(8);
    const refusals = bob.logs.filter((e) => e.kind === 'file' && e['event'] === 'session-refused');
    expect(refusals.every((e) => e['source'] === '127.0.0.2')).toBe(true);
    await expect.poll(() => stillOpen(silent)).toBe(4);
    expect(inspectClient(bob.client)?.endpoint.silentConnections.get('127.0.0.2')).toBe(4);

    // During the flood, the other address is served.
    const sent = await sendReal(bob.uri, 'udp');
    expect(sent.ok).toBe(true);
    expect((await readFile(join(bob.inbox, sent.name))).equals(sent.data)).toBe(true);
  }, 60_000);

  it('silent SIP/TCP connections from 127.0.0.2 are bounded per source; 127.0.0.1 connects and completes a transfer', async () => {
    const bob = await receiver('tcp', { sipMaxConnectionsPerSource: 5 });
    const flood = await silentConnections(bob.client.sipAddress.port, '127.0.0.2', 40);
    await expect.poll(() => stillOpen(flood)).toBe(5);
    const refused = bob.logs.filter((e) => e['code'] === 'ERR_SIP_TOO_MANY_CONNECTIONS');
    expect(refused.length).toBeGreaterThanOrEqual(35);
    const sent = await sendReal(bob.uri, 'tcp');
    expect(sent.ok).toBe(true);
    expect((await readFile(join(bob.inbox, sent.name))).equals(sent.data)).toBe(true);
  }, 60_000);
});
