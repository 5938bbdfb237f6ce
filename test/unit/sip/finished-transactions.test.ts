// A transaction that has its final response keeps, for the rest of its RFC 3261 §17 lifetime, only
// its key and the serialized message it may have to send again: these tests check that it still
// answers retransmissions with those bytes, that the request, the parsed messages and the TU are no
// longer reachable from it (collected by the garbage collector while the record lives), and that a
// user agent that ran many sessions holds nothing but such records, and nothing once their timers
// have run. Nothing here is timed: a fake clock drives every protocol timer.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createResponseTo,
  createUdpTransport,
  createUserAgent,
  defaultTimerValues,
  FinishedTransaction,
  serializeSipMessage,
  TransactionLayer,
  type Dialog,
  type FakeClock,
  type SipMessage,
  type SipRequest,
  type SipTransport,
  type UserAgent,
} from '../../../runtime/sip/index.ts';
import { recordingTransport, testRequest } from './recording-transport.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Lets the current job end (WeakRef targets are kept alive until then), then collects. */
const collect = async (): Promise<void> => {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
};


const request = (method: string, branch: string): SipRequest => testRequest(method, branch, 'finished-test', Buffer.from('a body the record must not keep'));

const setup = () => {
  const clock = createFakeClock();
  const { transport, sent } = recordingTransport(clock);
  const layer = new TransactionLayer({ clock, timers: defaultTimerValues, send: (m, t, d) => t.send(m, d) });
  return { clock, transport, sent, layer };
};
const source = (transport: SipTransport) => ({ host: '127.0.0.1', port: 5070, transport });
const wire = (message: SipMessage): string => serializeSipMessage(message).toString('latin1');

describe('finished transactions keep their key and serialized copy only', () => {
  it('non-INVITE server: a retransmission after the final response gets the stored bytes until Timer J; request, response and TU are collected', async () => {
    const { clock, transport, sent, layer } = setup();
    const refs: WeakRef<object>[] = [];
    let expected = '';
    // Everything the transaction was made from lives in this scope only.
    (() => {
      const bye = request('BYE', 'z9hG4bKnist1');
      const user = { onTransportError: () => undefined };
      const tx = layer.createServerTransaction(bye, source(transport), user);
      const ok = createResponseTo(bye, 200);
      tx.respond(ok);
      expected = wire(ok);
      refs.push(new WeakRef(bye), new WeakRef(ok), new WeakRef(user), new WeakRef(tx));
    })();
    sent.length = 0; // drop the transport's own reference to the sent response
    await collect();
    expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true, true, true]);

    const [record] = layer.entries().servers;
    expect(record).toBeInstanceOf(FinishedTransaction);
    expect(record instanceof FinishedTransaction && [record.role, record.state, record.wire]).toEqual(['non-invite-server', 'completed', expected]);
    expect(layer.size).toEqual({ clients: 0, servers: 1, finishedClients: 0, finishedServers: 1 });

    clock.advance(20_000);
    const retransmitted = request('BYE', 'z9hG4bKnist1');
    layer.findServerTransaction(retransmitted)?.receiveRequest(retransmitted);
    expect(sent.map((s) => wire(s.message))).toEqual([expected]);

    clock.advance(12_000); // Timer J: 64*T1 = 32 s
    expect(layer.findServerTransaction(retransmitted)).toBeUndefined();
    expect(layer.size).toEqual({ clients: 0, servers: 0, finishedClients: 0, finishedServers: 0 });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('INVITE client after a non-2xx: a retransmitted final response gets the stored ACK until Timer D; the INVITE and the TU are collected', async () => {
    const { clock, transport, sent, layer } = setup();
    const refs: WeakRef<object>[] = [];
    const events: string[] = [];
    let response486 = createResponseTo(request('INVITE', 'z9hG4bKict1'), 486, { toTag: 'b1' });
    (() => {
      const invite = request('INVITE', 'z9hG4bKict1');
      const user = { onResponse: (r: { status: number }) => events.push(`response ${r.status}`), onTimeout: () => undefined, onTransportError: () => undefined };
      layer.sendRequest(invite, transport, { host: '127.0.0.1', port: 5060 }, user);
      response486 = createResponseTo(invite, 486, { toTag: 'b1' });
      layer.receiveResponse(response486);
      refs.push(new WeakRef(invite), new WeakRef(user));
    })();
    const ackWire = wire(sent[1]!.message);
    expect((sent[1]!.message as SipRequest).method).toBe('ACK');
    sent.length = 0;
    await collect();
    expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true]);

    const [record] = layer.entries().clients;
    expect(record instanceof FinishedTransaction && [record.role, record.state, record.wire]).toEqual(['invite-client', 'completed', ackWire]);
    expect(ackWire).not.toContain('a body the record must not keep');

    layer.receiveResponse(response486);
    expect(sent.map((s) => wire(s.message))).toEqual([ackWire]);
    expect(events).toEqual(['response 486']); // not passed up again
    clock.advance(32_000); // Timer D
    expect(layer.size.clients).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('INVITE server after a non-2xx over UDP: Timer G and a retransmitted INVITE send the stored bytes; the ACK moves it to Confirmed, Timer I ends it', () => {
    const { clock, transport, sent, layer } = setup();
    const invite = request('INVITE', 'z9hG4bKist1');
    const tx = layer.createServerTransaction(invite, source(transport));
    const busy = createResponseTo(invite, 486, { toTag: 's1' });
    tx.respond(busy);
    clock.advance(500); // Timer G
    layer.findServerTransaction(invite)?.receiveRequest(invite);
    expect(sent.map((s) => wire(s.message))).toEqual([wire(busy), wire(busy), wire(busy)]);
    layer.findServerTransaction(request('ACK', 'z9hG4bKist1'))?.receiveRequest(request('ACK', 'z9hG4bKist1'));
    expect(tx.state).toBe('confirmed');
    clock.advance(4_999);
    expect(sent).toHaveLength(3); // no Timer G once confirmed
    expect(layer.size.servers).toBe(1);
    clock.advance(1); // Timer I: T4
    expect(layer.size.servers).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function makeUa(name: string, clock: FakeClock, onInvite?: (dialogs: Dialog[]) => void): Promise<{ ua: UserAgent; uri: string }> {
  const transport = await createUdpTransport();
  const accepted: Dialog[] = [];
  const ua = createUserAgent({
    transports: [transport],
    localUri: `sip:${name}@127.0.0.1`,
    clock,
    delegate: {
      onInvite: (incoming) => {
        accepted.push(incoming.accept('v=0\r\n', 'application/sdp'));
        onInvite?.(accepted);
      },
    },
  });
  cleanups.push(async () => {
    ua.close();
    await transport.close();
  });
  return { ua, uri: `sip:${name}@127.0.0.1:${transport.local.port}` };
}

const waitFor = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(cond()).toBe(true);
};

describe('a user agent after many sessions (UDP loopback, fake protocol clocks)', () => {
  it('holds only finished-transaction records after INVITE/200/ACK/BYE sessions, and nothing after their timers', async () => {
    const aliceClock = createFakeClock();
    const bobClock = createFakeClock();
    const bob = await makeUa('bob', bobClock);
    const alice = await makeUa('alice', aliceClock);
    const sessions = 20;
    for (let i = 0; i < sessions; i++) {
      const result = await alice.ua.invite(bob.uri, { body: 'v=0\r\n', contentType: 'application/sdp' });
      expect(result.kind).toBe('accepted');
      if (result.kind !== 'accepted') return;
      await waitFor(() => bob.ua.held().awaitingAck === 0); // the ACK arrived
      const bye = await alice.ua.bye(result.dialog);
      expect(bye.response.status).toBe(200);
    }
    await waitFor(() => bob.ua.held().dialogs === 0);
    // Alice: per session the INVITE's record (Accepted, Timer M) and the BYE's (Completed, Timer K).
    expect(alice.ua.held()).toEqual({
      transactions: { clients: 2 * sessions, servers: 0, finishedClients: 2 * sessions, finishedServers: 0 },
      dialogs: 0, awaitingAck: 0, sentAcks: 0, incoming: 0,
    });
    // Bob: the INVITE's record (Accepted, Timer L) and the BYE's (Completed, Timer J).
    expect(bob.ua.held()).toEqual({
      transactions: { clients: 0, servers: 2 * sessions, finishedClients: 0, finishedServers: 2 * sessions },
      dialogs: 0, awaitingAck: 0, sentAcks: 0, incoming: 0,
    });
    // Timer K (T4) ends the BYE records; Timers M, L, J (64*T1) the rest.
    aliceClock.advance(defaultTimerValues.T4);
    expect(alice.ua.held().transactions.clients).toBe(sessions);
    aliceClock.advance(64 * defaultTimerValues.T1);
    bobClock.advance(64 * defaultTimerValues.T1);
    for (const held of [alice.ua.held(), bob.ua.held()]) {
      expect(held.transactions).toEqual({ clients: 0, servers: 0, finishedClients: 0, finishedServers: 0 });
    }
    // Only the UAs' own 100 Trying timers may remain scheduled, and those were stopped by the answers.
    expect(aliceClock.pendingTimers()).toBe(0);
    expect(bobClock.pendingTimers()).toBe(0);
  });
});
