// A SIP transport for transaction tests: nothing goes on a wire; what is sent is recorded with the fake
// clock's time, so timer-driven retransmissions can be checked without waiting.
import { createRequest, SipHeaders, type FakeClock, type SipMessage, type SipRequest, type SipTransport } from '../../../runtime/sip/index.ts';

export interface RecordingTransport {
  readonly transport: SipTransport;
  readonly sent: { at: number; message: SipMessage }[];
}

export function recordingTransport(clock: FakeClock, reliable = false): RecordingTransport {
  const sent: { at: number; message: SipMessage }[] = [];
  const transport: SipTransport = {
    protocol: reliable ? 'TCP' : 'UDP',
    reliable,
    secure: false,
    local: { host: '127.0.0.1', port: 5060 },
    advertisedHost: '127.0.0.1',
    send: (message) => {
      sent.push({ at: clock.now(), message });
      return Promise.resolve();
    },
    onMessage: () => undefined,
    onDiagnostic: () => undefined,
    close: () => Promise.resolve(),
  };
  return { transport, sent };
}

/** An out-of-dialog request from alice to bob over UDP, told apart by its branch and Call-ID. */
export function testRequest(method: string, branch: string, callId: string, body?: Buffer): SipRequest {
  return createRequest(
    method,
    'sip:bob@127.0.0.1',
    new SipHeaders()
      .append('Via', `SIP/2.0/UDP 127.0.0.1:5070;branch=${branch}`)
      .append('From', '<sip:alice@127.0.0.1>;tag=a1')
      .append('To', '<sip:bob@127.0.0.1>')
      .append('Call-ID', callId)
      .append('CSeq', `1 ${method}`)
      .append('Max-Forwards', '70'),
    ...(body === undefined ? [] : [body]),
  );
}
