import { describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createRequest,
  createResponseTo,
  defaultTimerValues,
  SipHeaders,
  TransactionLayer,
  type SipRequest,
  type SipTransport,
} from '../../../runtime/sip/index.ts';
import { recordingTransport, testRequest } from './recording-transport.ts';


const request = (method: string, branch = 'z9hG4bKtest1'): SipRequest => testRequest(method, branch, 'tx-test');

const setup = (reliable = false) => {
  const clock = createFakeClock();
  const { transport, sent } = recordingTransport(clock, reliable);
  const layer = new TransactionLayer({ clock, timers: defaultTimerValues, send: (m, t) => t.send(m, { host: '127.0.0.1', port: 5060 }) });
  const events: string[] = [];
  const user = {
    onResponse: (r: { status: number }) => events.push(`response ${r.status}`),
    onTimeout: () => events.push(`timeout@${clock.now()}`),
    onTransportError: () => events.push('transport-error'),
  };
  return { clock, transport, sent, layer, events, user };
};
const source = (transport: SipTransport) => ({ host: '127.0.0.1', port: 5070, transport });

describe('INVITE client transaction (RFC 3261 §17.1.1)', () => {
  it('retransmits on Timer A (T1 doubling) and times out on Timer B (64*T1)', () => {
    const { clock, transport, sent, layer, events, user } = setup();
    layer.sendRequest(request('INVITE'), transport, { host: '127.0.0.1', port: 5060 }, user);
    clock.advance(32_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(events).toEqual(['timeout@32000']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('sends no retransmissions over a reliable transport', () => {
    const { clock, transport, sent, layer, events, user } = setup(true);
    layer.sendRequest(request('INVITE'), transport, { host: '127.0.0.1', port: 5060 }, user);
    clock.advance(40_000);
    expect(sent).toHaveLength(1);
    expect(events).toEqual(['timeout@32000']);
  });

  it('ACKs a non-2xx itself, absorbs its retransmission with the same ACK, and ends after Timer D', () => {
    const { clock, transport, sent, layer, events, user } = setup();
    const invite = request('INVITE');
    layer.sendRequest(invite, transport, { host: '127.0.0.1', port: 5060 }, user);
    layer.receiveResponse(createResponseTo(invite, 180, { toTag: 'b1' }));
    clock.advance(2000);
    expect(sent).toHaveLength(1); // provisional stopped Timer A
    const busy = createResponseTo(invite, 486, { toTag: 'b1' });
    layer.receiveResponse(busy);
    expect(events).toEqual(['response 180', 'response 486']);
    const ack = sent[1]!.message as SipRequest;
    expect(ack.method).toBe('ACK');
    expect(ack.headers.get('CSeq')).toBe('1 ACK');
    expect(ack.headers.get('To')).toBe('<sip:bob@127.0.0.1>;tag=b1');
    expect(ack.headers.get('Via')).toBe(invite.headers.get('Via'));
    layer.receiveResponse(busy);
    expect(sent).toHaveLength(3);
    expect(events).toHaveLength(2);
    clock.advance(32_000);
    expect(layer.size.clients).toBe(0);
  });

  it('passes a 2xx up without ACKing it, then answers its retransmissions with the TU\'s ACK until Timer M (Accepted, RFC 6026)', () => {
    const { clock, transport, sent, layer, events, user } = setup();
    const invite = request('INVITE');
    layer.sendRequest(invite, transport, { host: '127.0.0.1', port: 5060 }, user);
    const ok = createResponseTo(invite, 200, { toTag: 'b2' });
    layer.receiveResponse(ok);
    expect(events).toEqual(['response 200']);
    expect(sent).toHaveLength(1); // the transaction does not ACK a 2xx
    // The TU's ACK (RFC 3261 §13.2.2.4), handed to the transaction.
    const ack = createRequest('ACK', 'sip:bob@127.0.0.1:5080', new SipHeaders()
      .append('Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack1')
      .append('Max-Forwards', '70')
      .append('From', '<sip:alice@127.0.0.1>;tag=a1')
      .append('To', '<sip:bob@127.0.0.1>;tag=b2')
      .append('Call-ID', 'tx-test')
      .append('CSeq', '1 ACK'));
    layer.rememberAck(ok, 'b2', ack, transport, { host: '127.0.0.1', port: 5080 });
    clock.advance(1000);
    expect(layer.receiveResponse(ok)).toBe(true);
    expect(events).toEqual(['response 200']); // a retransmission is not passed up again
    expect(sent).toHaveLength(2);
    const again = sent[1]!.message as SipRequest;
    expect([again.method, again.uri, again.headers.get('Via'), again.headers.get('CSeq')]).toEqual(['ACK', 'sip:bob@127.0.0.1:5080', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack1', '1 ACK']);
    // A 2xx with another To tag (a fork) is not the record's: the UA core gets it as unmatched.
    expect(layer.receiveResponse(createResponseTo(invite, 200, { toTag: 'other' }))).toBe(false);
    clock.advance(31_000);
    expect(layer.receiveResponse(ok)).toBe(false);
    expect(layer.size.clients).toBe(0);
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits on Timer E capped at T2 and times out on Timer F', () => {
    const { clock, transport, sent, layer, events, user } = setup();
    layer.sendRequest(request('OPTIONS'), transport, { host: '127.0.0.1', port: 5060 }, user);
    clock.advance(32_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(events).toEqual(['timeout@32000']);
  });

  it('uses T2 after a provisional, then waits T4 (Timer K) in Completed', () => {
    const { clock, transport, sent, layer, events, user } = setup();
    const bye = request('BYE');
    layer.sendRequest(bye, transport, { host: '127.0.0.1', port: 5060 }, user);
    layer.receiveResponse(createResponseTo(bye, 100));
    clock.advance(500);
    clock.advance(4000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 4500]);
    layer.receiveResponse(createResponseTo(bye, 200));
    layer.receiveResponse(createResponseTo(bye, 200));
    expect(events).toEqual(['response 100', 'response 200']);
    clock.advance(4999);
    expect(layer.size.clients).toBe(1);
    clock.advance(1);
    expect(layer.size.clients).toBe(0);
  });
});

describe('INVITE server transaction (RFC 3261 §17.2.1)', () => {
  it('sends 100 Trying once the TU has not answered for 200 ms, retransmits a non-2xx on Timer G and gives up on Timer H', () => {
    const { clock, transport, sent, layer } = setup();
    const invite = request('INVITE');
    let ackTimeout = -1;
    const tx = layer.createServerTransaction(invite, source(transport), { onAckTimeout: () => (ackTimeout = clock.now()) });
    expect(sent).toHaveLength(0);
    clock.advance(199);
    expect(sent).toHaveLength(0);
    clock.advance(1);
    expect(sent.map((s) => (s.message.kind === 'response' ? `${s.message.status}@${s.at}` : ''))).toEqual(['100@200']);
    tx.receiveRequest(invite); // retransmitted INVITE -> 100 again
    expect(sent).toHaveLength(2);
    tx.respond(createResponseTo(invite, 486, { toTag: 's1' }));
    clock.advance(32_000);
    const finals = sent.filter((s) => s.message.kind === 'response' && s.message.status === 486).map((s) => s.at - 200);
    expect(finals).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(ackTimeout).toBe(32_200);
  });

  it('sends no 100 Trying when the TU answers within 200 ms (RFC 3261 §17.2.1)', () => {
    const { clock, transport, sent, layer } = setup();
    const invite = request('INVITE');
    const tx = layer.createServerTransaction(invite, source(transport));
    clock.advance(150);
    tx.respond(createResponseTo(invite, 200, { toTag: 's0' }));
    clock.advance(1000);
    expect(sent.map((s) => (s.message.kind === 'response' ? s.message.status : 0))).toEqual([200]);
  });

  it('answers an INVITE retransmitted before the 200 ms with the 100 Trying at once, and only once', () => {
    const { clock, transport, sent, layer } = setup();
    const invite = request('INVITE');
    const tx = layer.createServerTransaction(invite, source(transport));
    clock.advance(50);
    tx.receiveRequest(invite);
    expect(sent.map((s) => (s.message.kind === 'response' ? `${s.message.status}@${s.at}` : ''))).toEqual(['100@50']);
    clock.advance(1000);
    expect(sent).toHaveLength(1);
  });

  it('stops Timer G on ACK and ends after Timer I (T4)', () => {
    const { clock, transport, sent, layer } = setup();
    const invite = request('INVITE');
    const tx = layer.createServerTransaction(invite, source(transport));
    tx.respond(createResponseTo(invite, 603, { toTag: 's2' }));
    clock.advance(600);
    const ack = request('ACK');
    expect(layer.findServerTransaction(ack)?.key).toBe(tx.key);
    tx.receiveRequest(ack);
    expect(tx.state).toBe('confirmed');
    const count = sent.length;
    clock.advance(5000);
    expect(sent).toHaveLength(count);
    expect(tx.state).toBe('terminated');
  });

  it('absorbs INVITE retransmissions while Accepted after a 2xx', () => {
    const { clock, transport, sent, layer } = setup();
    const invite = request('INVITE');
    const tx = layer.createServerTransaction(invite, source(transport));
    tx.respond(createResponseTo(invite, 200, { toTag: 's3' }));
    tx.receiveRequest(invite);
    // The 2xx only (answered at once, so no 100 Trying); the retransmission got nothing.
    expect(sent.map((s) => (s.message.kind === 'response' ? s.message.status : 0))).toEqual([200]);
    expect(tx.state).toBe('accepted');
    clock.advance(32_000);
    expect(tx.state).toBe('terminated');
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('answers retransmissions with the last response and ends after Timer J', () => {
    const { clock, transport, sent, layer } = setup();
    const bye = request('BYE');
    const tx = layer.createServerTransaction(bye, source(transport));
    tx.receiveRequest(bye);
    expect(sent).toHaveLength(0); // Trying absorbs
    tx.respond(createResponseTo(bye, 200));
    tx.receiveRequest(bye);
    expect(sent).toHaveLength(2);
    clock.advance(31_999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(layer.findServerTransaction(bye)).toBeUndefined();
  });
});

describe('what every transaction shares (terminate once, transport failure, dispose)', () => {
  it('a failed send ends a client transaction, stops its timers and tells the TU once (RFC 3261 §17.1.4)', async () => {
    for (const method of ['INVITE', 'OPTIONS']) {
      const clock = createFakeClock();
      const { transport } = recordingTransport(clock);
      const layer = new TransactionLayer({ clock, timers: defaultTimerValues, send: () => Promise.reject(new Error('unreachable')) });
      const events: string[] = [];
      const tx = layer.sendRequest(request(method), transport, { host: '127.0.0.1', port: 5060 }, {
        onResponse: () => events.push('response'),
        onTimeout: () => events.push('timeout'),
        onTransportError: (e) => events.push(`transport-error ${e.code}`),
        onTerminated: () => events.push('terminated'),
      });
      await Promise.resolve();
      await Promise.resolve();
      expect(tx.state).toBe('terminated');
      expect(events).toEqual(['terminated', 'transport-error ERR_SIP_TRANSPORT']);
      expect(clock.pendingTimers()).toBe(0);
      expect(layer.size.clients).toBe(0);
    }
  });

  it('a failed response send is reported to a server TU as ERR_SIP_TRANSPORT', async () => {
    const clock = createFakeClock();
    const { transport } = recordingTransport(clock);
    const layer = new TransactionLayer({ clock, timers: defaultTimerValues, send: () => Promise.reject(new Error('gone')) });
    const errors: string[] = [];
    layer.createServerTransaction(request('BYE'), source(transport), { onTransportError: (e) => errors.push(e.code) }).respond(createResponseTo(request('BYE'), 200));
    await Promise.resolve();
    await Promise.resolve();
    expect(errors).toEqual(['ERR_SIP_TRANSPORT']);
  });

  it('dispose stops every running timer of every kind without reporting an end', () => {
    const { clock, transport, layer, events, user } = setup();
    const invite = request('INVITE', 'z9hG4bKd1');
    layer.sendRequest(invite, transport, { host: '127.0.0.1', port: 5060 }, user); // Timers A, B
    layer.sendRequest(request('OPTIONS', 'z9hG4bKd2'), transport, { host: '127.0.0.1', port: 5060 }, user); // Timers E, F
    const server = layer.createServerTransaction(request('INVITE', 'z9hG4bKd3'), source(transport));
    server.respond(createResponseTo(invite, 486, { toTag: 'd3' })); // Timers G, H
    expect(clock.pendingTimers()).toBe(6);
    layer.dispose();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(64_000);
    expect(events).toEqual([]);
  });

  it('a timer that ends the transaction reports the end once even if another fires after it', () => {
    const { clock, transport, layer } = setup();
    const invite = request('INVITE');
    let ended = 0;
    const tx = layer.createServerTransaction(invite, source(transport), { onTerminated: () => ended++ });
    tx.respond(createResponseTo(invite, 486, { toTag: 's9' }));
    tx.receiveRequest(request('ACK'));
    clock.advance(64_000);
    tx.receiveRequest(request('ACK'));
    expect(tx.state).toBe('terminated');
    expect(ended).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});
