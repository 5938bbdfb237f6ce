// Several RFC 5547 pulls in one session between two library clients: the first file by the INVITE,
// each further one by a re-INVITE reusing the m-line with a new file-transfer-id (RFC 3264 §8,
// RFC 5547 §8.1). Files arrive byte-identical, a missing one is "not found" without ending the
// session, and the server logs each re-offer's reading.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client.ts';
import type { CpmClient, LogEvent, ServeRequestEvent } from '../../../src/client-types.ts';
import { sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}
async function client(name: string, transport: 'udp' | 'tcp', logs: LogEvent[]): Promise<CpmClient> {
  const c = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport }, log: (e) => logs.push(e) });
  cleanups.push(() => c.close());
  return c;
}

describe.each(['udp', 'tcp'] as const)('client.pullFiles over %s', (transport) => {
  it('three selectors, one session: found, not found, found; one INVITE, two re-INVITEs, one BYE [RFC 5547 §8.1]', async () => {
    const served = await dir('pull-many-served');
    const inbox = await dir('pull-many-in');
    await writeTestFile(join(served, 'one.bin'), 200_000);
    await writeTestFile(join(served, 'two.bin'), 33_333);
    const serverLogs: LogEvent[] = [];
    const pullerLogs: LogEvent[] = [];
    const server = await client('bob', transport, serverLogs);
    const requests: ServeRequestEvent[] = [];
    server.serve({ dir: served, onRequest: (r) => requests.push(r) });
    const puller = await client('alice', transport, pullerLogs);
    const from = `sip:bob@127.0.0.1:${server.sipAddress.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
    const results = await puller.pullFiles({ from, dir: inbox, selectors: [{ name: 'one.bin', size: 200_000 }, { name: 'missing.bin' }, { name: 'two.bin' }], timeoutMs: 10_000 });
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'not-found', 'ok']);
    expect(await sha1Of(join(inbox, 'one.bin'))).toBe(await sha1Of(join(served, 'one.bin')));
    expect(await sha1Of(join(inbox, 'two.bin'))).toBe(await sha1Of(join(served, 'two.bin')));
    expect(requests.map((r) => [r.selector, r.served])).toEqual([['name:"one.bin" size:200000', true], ['name:"missing.bin"', false], ['name:"two.bin"', true]]);
    const sent = (method: string) => pullerLogs.filter((e) => e.kind === 'sip' && e.direction === 'sent' && e['method'] === method && e['status'] === undefined);
    const invites = [...new Map(sent('INVITE').map((e) => [e['cseq'], e])).values()];
    expect(invites).toHaveLength(3);
    expect(new Set(invites.map((e) => e['callId'])).size).toBe(1);
    expect(new Set(sent('BYE').map((e) => e['cseq'])).size).toBe(1);
    expect(serverLogs.filter((e) => e['event'] === 'pull-reoffer').map((e) => e['steps'])).toEqual(['pull', 'pull']);
  });
});
