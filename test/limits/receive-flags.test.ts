// `cpm-ft receive --max-sessions-per-peer N --max-sessions N --msrp-match-session-id`: parsed,
// handed to the client, and in force on the real SIP socket the command listens on.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runReceive, type SignalName } from '../../src/cli/commands/receive.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { createClient } from '../../src/client.ts';
import type { ClientOptions, CpmClient } from '../../src/client-types.ts';
import { memoryIo } from '../cli/helpers/memory-io.ts';
import { fileOffer, newSid, rawOfferer } from './raw-offerer.ts';
import { randomBytes } from 'node:crypto';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('receive session-limit and matching flags', () => {
  it('parses the counts and the switch, and refuses what is not a positive integer', () => {
    const parsed = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in', '--max-sessions-per-peer', '2', '--max-sessions', '40', '--msrp-match-session-id']);
    expect(parsed.ok && parsed.value).toMatchObject({ maxSessionsPerPeer: 2, maxSessions: 40, msrpMatchSessionId: true });
    const plain = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in']);
    expect(plain.ok && plain.value).toMatchObject({ maxSessionsPerPeer: undefined, maxSessions: undefined, msrpMatchSessionId: false });
    for (const bad of ['0', '-1', '1.5', 'x', '']) {
      const r = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in', '--max-sessions', bad]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/--max-sessions/);
    }
  });

  it('the running command answers 486 beyond --max-sessions-per-peer on its real socket', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cpm-ft-limits-cli-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const io = memoryIo(root);
    let seen: ClientOptions | undefined;
    let client: CpmClient | undefined;
    const handlers = new Set<(signal: SignalName) => void>();
    const running = runReceive(['--sip', '127.0.0.1:0', '--dir', 'in', '--max-sessions-per-peer', '1', '--max-sessions', '5', '--msrp-match-session-id'], io, {
      createClient: async (options) => { seen = options; client = await createClient(options); return client; },
      onSignal: (handler) => { handlers.add(handler); return () => handlers.delete(handler); },
    });
    for (let i = 0; i < 400 && handlers.size === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(seen?.limits).toEqual({ maxSessionsPerPeer: 1, maxSessions: 5 });
    expect(seen?.msrpMatchSessionIdOnly).toBe(true);

    const alice = await rawOfferer('sip:alice@127.0.0.1');
    cleanup.push(() => alice.close());
    const target = `sip:cpm-ft@127.0.0.1:${client?.sipAddress.port ?? 0}`;
    const offer = (): string => fileOffer({ path: `msrp://127.0.0.1:9/${newSid()};tcp`, setup: 'active', name: 'f.bin', data: randomBytes(8) });
    expect((await alice.invite(target, offer())).response.status).toBe(200);
    expect((await alice.invite(target, offer())).response.status).toBe(486);

    await alice.close();
    for (const handler of handlers) handler('SIGINT');
    expect(await running).toBe(0);
  });
});
