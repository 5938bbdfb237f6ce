import { describe, expect, it } from 'vitest';
import { CpmError } from '../../../runtime/errors.ts';
import { createFakeClock, createRequest, defaultTimerValues, SipHeaders, TransactionLayer, type SipTransport } from '../../../runtime/sip/index.ts';

const transport: SipTransport = {
  protocol: 'UDP',
  reliable: false,
  secure: false,
  local: { host: '127.0.0.1', port: 5060 },
  advertisedHost: '127.0.0.1',
  send: () => Promise.resolve(),
  onMessage: () => undefined,
  onDiagnostic: () => undefined,
  close: () => Promise.resolve(),
};

describe('TransactionLayer.sendRequest on a request it cannot key', () => {
  it('throws a CpmError coded ERR_SIP_INVALID_REQUEST when the Via has no branch', () => {
    const layer = new TransactionLayer({ clock: createFakeClock(), timers: defaultTimerValues, send: () => Promise.resolve() });
    // No Via at all: RFC 3261 §17.1.3 matching needs the top Via's branch, so no key exists.
    const request = createRequest('OPTIONS', 'sip:bob@127.0.0.1', new SipHeaders().append('CSeq', '1 OPTIONS').append('Call-ID', 'no-via'));
    const user = { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };
    let caught: unknown;
    try {
      layer.sendRequest(request, transport, { host: '127.0.0.1', port: 5060 }, user);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CpmError);
    expect((caught as CpmError).code).toBe('ERR_SIP_INVALID_REQUEST');
    layer.dispose();
  });
});
