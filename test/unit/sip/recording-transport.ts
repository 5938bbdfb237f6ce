// A SIP transport for transaction tests: nothing goes on a wire; what is sent is recorded with the fake
// clock's time, so timer-driven retransmissions can be checked without waiting.
import type { FakeClock, SipMessage, SipTransport } from '../../../runtime/sip/index.ts';

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
