// Receiver-side caps on concurrent incoming sessions (ClientOptions.limits.maxSessionsPerPeer /
// maxSessions), over real SIP sockets: beyond the per-peer cap the INVITE gets 486 while another
// peer is still served; beyond the total cap 503 with Retry-After; a slot frees when a session ends.

import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { limitedReceiver, trackedOfferer, type LimitedReceiver } from './limited-receiver.ts';
import { inspectClient } from '../../src/client.ts';
import type { ClientLimits } from '../../src/client-types.ts';
import { sessionPeerKey } from '../../runtime/transfer/file-transfer-receiver.ts';
import type { SipRequest } from '../../runtime/index.ts';
import { fileOffer, newSid, type RawOfferer } from './raw-offerer.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const receiver = (limits: ClientLimits): Promise<LimitedReceiver> => limitedReceiver(cleanup, limits, 'cpm-ft-limits-');
const peer = (uri: string): Promise<RawOfferer> => trackedOfferer(cleanup, uri);

// a=setup:active: the offerer would connect, so the receiver only waits and the session stays open
// (and counted) until the test ends it with a BYE.
const offer = (): string => fileOffer({ path: `msrp://127.0.0.1:9/${newSid()};tcp`, setup: 'active', name: 'held.bin', data: randomBytes(64) });

describe('concurrent incoming session caps', () => {
  it('the (N+1)th session from one peer gets 486, another peer is served, the total cap answers 503 + Retry-After, and a slot frees when a session ends', async () => {
    const bob = await receiver({ maxSessionsPerPeer: 2, maxSessions: 3 });
    const alice = await peer('sip:alice@127.0.0.1');
    const carol = await peer('sip:carol@127.0.0.1');
    const sessionEnds: Array<() => void> = [];
    bob.client.on('session-end', () => sessionEnds.shift()?.());

    const a1 = await alice.invite(bob.uri, offer());
    const a2 = await alice.invite(bob.uri, offer());
    expect([a1.kind, a2.kind]).toEqual(['accepted', 'accepted']);
    // Per peer: alice holds 2 = maxSessionsPerPeer.
    const a3 = await alice.invite(bob.uri, offer());
    expect(a3.kind).toBe('rejected');
    expect(a3.response.status).toBe(486);

    // Another peer is still served...
    const c1 = await carol.invite(bob.uri, offer());
    expect(c1.kind).toBe('accepted');
    // ...until the total (3) is reached: 503 with Retry-After (RFC 3261 §21.5.4 / §20.33).
    const c2 = await carol.invite(bob.uri, offer());
    expect(c2.kind).toBe('rejected');
    expect(c2.response.status).toBe(503);
    expect(Number(c2.response.headers.get('Retry-After'))).toBeGreaterThan(0);

    // Refused INVITEs allocated nothing: no offer was even looked at, no temporary file exists.
    const offers = bob.logs.filter((e) => e.kind === 'file' && e['event'] === 'offer');
    expect(offers).toHaveLength(3);
    const refused = bob.logs.filter((e) => e.kind === 'file' && e['event'] === 'session-refused').map((e) => e['status']);
    expect(refused).toEqual([486, 503]);
    const receiverInternals = inspectClient(bob.client)?.receivers[0];
    expect(receiverInternals?.heldSessions.total).toBe(3);
    expect(receiverInternals?.heldSessions.perPeer.get('sip:alice@127.0.0.1')).toBe(2);

    // Ending one of alice's sessions frees her slot (and one of the total).
    if (a1.kind !== 'accepted') throw new Error('unreachable');
    const ended = new Promise<void>((resolve) => sessionEnds.push(resolve));
    await alice.ua.bye(a1.dialog);
    await ended;
    expect(receiverInternals?.heldSessions.total).toBe(2);
    const a4 = await alice.invite(bob.uri, offer());
    expect(a4.kind).toBe('accepted');
    // Alice is at her cap again.
    const a5 = await alice.invite(bob.uri, offer());
    expect(a5.response.status).toBe(486);

    // Nothing of the held sessions reached the inbox under a final name.
    expect((await readdir(bob.inbox)).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('the peer key is the From address of record: display name, tag, port, parameters and host case do not matter', () => {
    const key = (from: string): string => sessionPeerKey({ headers: { get: (name: string) => (name === 'From' ? from : undefined) } } as unknown as SipRequest);
    expect(key('"Alice" <sip:alice@Example.COM:5061;transport=tcp>;tag=1')).toBe('sip:alice@example.com');
    expect(key('<sip:alice@example.com>;tag=2')).toBe('sip:alice@example.com');
    expect(key('sip:carol@example.com;tag=3')).toBe('sip:carol@example.com');
    expect(key('<tel:+15551234>;tag=4')).toBe('tel:+15551234');
  });
});
