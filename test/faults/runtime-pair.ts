// A sender and a receiver built from runtime parts (SIP UA, MSRP endpoint, FileTransferSender /
// FileTransferReceiver) on 127.0.0.1 with ephemeral ports, so fault tests can reach options the
// client facade does not expose (keepPartials, reportGraceMs, short SIP timers) and put a lossy
// relay in front of the receiver. `close()` closes everything it opened.

import { afterEach, beforeEach } from 'vitest';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { rm } from 'node:fs/promises';
import {
  FileTransferReceiver,
  FileTransferSender,
  MsrpEndpoint,
  cpmContactParams,
  createUdpTransport,
  createUserAgent,
  type FileTransferReceiverOptions,
  type MsrpEndpointOptions,
  type FileTransferSenderOptions,
  type SipLogEvent,
  type SipTransport,
  type UserAgent,
} from '../../runtime/index.ts';
import { fileTransferProcedures } from '../../src/procedures.ts';
import { tempDir } from '../e2e/transfer-harness.ts';
import type { LossyUdpRelay } from '../helpers/lossy-udp-relay.ts';

export interface SipTrace {
  readonly side: 'sender' | 'receiver';
  readonly direction: 'sent' | 'received';
  readonly method: string;
  readonly status: number | undefined;
  readonly body: string;
}

export interface RuntimePair {
  readonly sender: FileTransferSender;
  readonly receiver: FileTransferReceiver;
  readonly senderUa: UserAgent;
  readonly receiverUa: UserAgent;
  readonly receiverEndpoint: MsrpEndpoint;
  readonly receiverSipPort: number;
  readonly inbox: string;
  readonly outbox: string;
  readonly sip: SipTrace[];
  readonly relay: LossyUdpRelay | undefined;
  /** The receiver's address; pass `port` to go through a relay instead. */
  uri(port?: number): string;
  close(): Promise<void>;
}

export interface RuntimePairOptions {
  readonly sender?: Partial<Omit<FileTransferSenderOptions, 'ua' | 'endpoint' | 'procedures'>>;
  readonly receiver?: Partial<Omit<FileTransferReceiverOptions, 'endpoint' | 'procedures'>>;
  /** RFC 3261 T1 for both UAs (short values keep retransmission tests fast). */
  readonly t1?: number;
  readonly inbox?: string;
  /** Puts a relay in front of the receiver's SIP port; the receiver's Contact names the relay too,
   *  so in-dialog requests (ACK, BYE) cross it as well. */
  readonly relay?: (receiverSipPort: number) => Promise<LossyUdpRelay>;
  /** MSRP endpoint options of each side (e.g. TLS: msrps paths, trust). */
  readonly senderMsrp?: MsrpEndpointOptions;
  readonly receiverMsrp?: MsrpEndpointOptions;
}

export async function startRuntimePair(options: RuntimePairOptions = {}): Promise<RuntimePair> {
  const inbox = options.inbox ?? (await tempDir('fault-inbox'));
  const outbox = await tempDir('fault-outbox');
  const sip: SipTrace[] = [];
  const logger = (side: 'sender' | 'receiver') => (event: SipLogEvent): void => {
    if (event.kind !== 'message') return;
    sip.push({ side, direction: event.direction, method: event.method, status: event.status, body: event.message.body.toString('utf8') });
  };
  const timers = options.t1 !== undefined ? { timers: { T1: options.t1 } } : {};
  const receiverTransport: SipTransport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const senderTransport: SipTransport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const relay = options.relay === undefined ? undefined : await options.relay(receiverTransport.local.port);
  const receiverEndpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, ...options.receiverMsrp });
  const senderEndpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0, ...options.senderMsrp });
  // The receiver sends its own BYE (with a Reason) when it ends a session; it needs the UA for that.
  const holder: { ua?: UserAgent } = {};
  const receiver = new FileTransferReceiver({
    endpoint: receiverEndpoint, procedures: fileTransferProcedures, dir: inbox,
    ua: { bye: (dialog, headers) => (holder.ua as UserAgent).bye(dialog, headers) },
    ...options.receiver,
  });
  const receiverUa = createUserAgent({
    transports: [receiverTransport],
    localUri: 'sip:bob@127.0.0.1',
    ...(relay !== undefined ? { contact: `sip:bob@127.0.0.1:${relay.port}` } : {}),
    contactParams: cpmContactParams(),
    logger: logger('receiver'),
    ...timers,
    delegate: {
      onInvite: (incoming) => receiver.handleInvite(incoming),
      onReinvite: (dialog, incoming) => receiver.handleReinvite(dialog, incoming),
      onAck: (dialog) => receiver.handleAck(dialog),
      onBye: (dialog) => receiver.handleBye(dialog),
      onDialogTerminated: (dialog) => receiver.handleBye(dialog),
    },
  });
  holder.ua = receiverUa;
  const senderHolder: { sender?: FileTransferSender } = {};
  const senderUa = createUserAgent({
    transports: [senderTransport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams(), logger: logger('sender'), ...timers,
    delegate: { onBye: (dialog, request) => senderHolder.sender?.handlePeerBye(dialog, request) },
  });
  const sender = new FileTransferSender({ ua: senderUa, endpoint: senderEndpoint, procedures: fileTransferProcedures, ...options.sender });
  senderHolder.sender = sender;
  const receiverSipPort = receiverTransport.local.port;
  return {
    sender,
    receiver,
    senderUa,
    receiverUa,
    receiverEndpoint,
    receiverSipPort,
    inbox,
    outbox,
    sip,
    relay,
    uri: (port = relay?.port ?? receiverSipPort) => `sip:bob@127.0.0.1:${port}`,
    async close() {
      await sender.close();
      await receiver.close();
      senderUa.close();
      receiverUa.close();
      await senderEndpoint.close();
      await receiverEndpoint.close();
      await senderTransport.close();
      await receiverTransport.close();
      await relay?.close();
      if (options.inbox === undefined) await rm(inbox, { recursive: true, force: true });
      await rm(outbox, { recursive: true, force: true });
    },
  };
}

/**
 * The lifecycle every fault test shares: a handle snapshot before each test, and after it the pair
 * closed and no socket or timer left behind. `start` opens the pair the current test uses.
 */
export function runtimePairPerTest(): { start(options?: RuntimePairOptions): Promise<RuntimePair> } {
  let current: RuntimePair | undefined;
  let before: HandleSnapshot;
  beforeEach(async () => { before = await snapshotHandles(); });
  afterEach(async () => {
    await current?.close();
    current = undefined;
    await assertNoLeakedHandles(before, 2000);
  });
  return {
    async start(options = {}) {
      current = await startRuntimePair(options);
      return current;
    },
  };
}
