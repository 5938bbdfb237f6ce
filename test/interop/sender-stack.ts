// The sender half of createClient() (src/client.ts) rebuilt with SIP timer values, which the client
// does not expose: used where a test must see Timer B fire in seconds rather than 32 s.
import {
  FileTransferSender, MsrpEndpoint, cpmContactParams, createTcpTransport, createUdpTransport, createUserAgent,
  type SipLogEvent, type SipTransport, type UserAgent,
} from '../../runtime/index.ts';
import type { LogEvent } from '../../src/client-types.ts';
import { seedProcedures } from '../helpers/seed-spec.ts';

export interface SenderStack {
  readonly ua: UserAgent;
  readonly sender: FileTransferSender;
  close(): Promise<void>;
}

export async function buildSenderStack(options: {
  readonly transport: 'udp' | 'tcp';
  readonly timers: { readonly T1?: number; readonly T2?: number; readonly T4?: number };
  readonly log?: (event: LogEvent) => void;
}): Promise<SenderStack> {
  const log = options.log;
  const transport: SipTransport = options.transport === 'udp'
    ? await createUdpTransport({ host: '127.0.0.1', port: 0 })
    : await createTcpTransport({ host: '127.0.0.1', port: 0 });
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
  const ua = createUserAgent({
    transports: [transport],
    localUri: 'sip:alice@127.0.0.1',
    contactParams: cpmContactParams(),
    userAgent: 'cpm-ft',
    timers: options.timers,
    ...(log !== undefined ? {
      logger: (event: SipLogEvent) => {
        if (event.kind === 'message') log({ kind: 'sip', direction: event.direction, method: event.method, ...(event.status !== undefined ? { status: event.status } : {}) });
      },
    } : {}),
    delegate: { onInvite: (incoming) => incoming.reject(480) },
  });
  // The interop assertions follow the seed spec's rules, so run its frozen procedures.
  const sender = new FileTransferSender({ ua, endpoint, procedures: await seedProcedures(), ...(log !== undefined ? { log } : {}) });
  return {
    ua,
    sender,
    async close() {
      await sender.close();
      ua.close();
      await endpoint.close();
      await transport.close();
    },
  };
}
