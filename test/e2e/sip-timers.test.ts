// ClientOptions.sipTimers: Timer B (64*T1, RFC 3261 §17.1.1.2) bounds how long an INVITE nobody
// answers is waited for; the file then fails with a timeout instead of hanging the send.

import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { CpmClient } from '../../src/client-types.ts';

let silent: Socket | undefined;
let client: CpmClient | undefined;
let dir: string | undefined;

afterEach(async () => {
  await client?.close();
  silent?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  client = undefined;
  silent = undefined;
  dir = undefined;
});

describe('SIP timers from ClientOptions', () => {
  it('an unanswered INVITE fails the file with a timeout after 64*T1', async () => {
    // A UDP socket that swallows every datagram: the INVITE is retransmitted and never answered.
    silent = createSocket('udp4');
    let invites = 0;
    silent.on('message', (data) => {
      if (data.toString('latin1').startsWith('INVITE ')) invites += 1;
    });
    await new Promise<void>((resolve) => silent?.bind(0, '127.0.0.1', resolve));
    const port = silent.address().port;
    dir = await mkdtemp(join(tmpdir(), 'cpmft-timers-'));
    const file = join(dir, 'a.txt');
    await writeFile(file, 'hello');

    client = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, sipTimers: { T1: 20 } });
    const started = Date.now();
    const summary = await client.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${port}` }, [file]).done;
    const elapsed = Date.now() - started;

    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure?.source).toBe('timeout');
    // Timer A doubled the retransmission interval from T1 up to Timer B = 64*T1 = 1.28 s.
    expect(invites).toBeGreaterThanOrEqual(5);
    expect(elapsed).toBeLessThan(10_000);
  });
});
