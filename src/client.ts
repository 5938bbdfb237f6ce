// createClient(): the library facade. Composes one SIP user agent (UDP, TCP or TLS), one MSRP
// endpoint, the file-transfer sender and receiver of runtime/transfer, and the generated procedures
// (src/procedures.ts), behind the CpmClient contract of src/client-types.ts.

import {
  cpmContactParams, CpmError, createUserAgent, type Destination, FileHashStore, FileServer,
  FileTransferReceiver, FileTransferSender, formatMsrpUri, isPullOffer, MsrpEndpoint,
  pullFile, pullFiles, ResumeStore, type SipLogEvent, type SipTransport, transferDefaults, TypedEmitter,
} from '../runtime/index.ts';
import type { ClientOptions, CpmClient, FileToSend, IncomingTransferEvents, LogEvent, OutgoingTransfer, ReceiveOptions, ReceivingHandle, SendOptions, SipTransportName } from './client-types.ts';
import { fileTransferProcedures } from './procedures.ts';
import { OfferedIconRelay } from './offered-icon-relay.ts';
import { ClientRegistrations, networkUaOptions } from './client-network.ts';
import { AutoThumbnailer } from './icons/auto-thumbnail.ts';
import { checkClientOptions } from './options/check-client-options.ts';
import { checkPullRequest, checkQueueArguments, checkReceiveOptions, checkSendArguments, checkSendOptions, checkServeOptions } from './options/check-call-options.ts';
import { assertWritableFolder } from './options/writable-folder.ts';
import { SendIconChoices } from './send-icons.ts';
import { loadSharp } from './icons/image-library.ts';
import type { ClientExtraOptions, ReceiveExtraOptions } from './client/extra-options.ts';
import { rememberInternals } from './client/internals.ts';
import { msrpEndpointOptions, openTransport, sipLogEvent } from './client/network-setup.ts';

export type { ClientExtraOptions, ReceiveExtraOptions } from './client/extra-options.ts';
export { inspectClient, type ClientInternals } from './client/internals.ts';
export { msrpEndpointOptions, msrpParserLimits, sipParseLimits } from './client/network-setup.ts';

/** The cancel reason an aborted signal gives: its reason's text, else a plain phrase. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return typeof reason === 'string' ? reason : 'cancelled by the application';
}

export async function createClient(options: ClientOptions & ClientExtraOptions): Promise<CpmClient> {
  // Every option is checked before a socket is bound, so a bad one leaves nothing open.
  checkClientOptions(options);
  const log = options.log;
  const endpointOptions = msrpEndpointOptions(options);
  const network = networkUaOptions(options);
  const transport = await openTransport(options);
  let endpoint: MsrpEndpoint;
  try {
    endpoint = await MsrpEndpoint.create(endpointOptions);
    const relay = endpoint.relay;
    if (relay !== undefined) {
      log?.({ kind: 'msrp', event: 'relay-authorized', relay: options.msrpRelay?.uri, usePath: relay.usePath.map(formatMsrpUri).join(' '), expires: relay.expires });
    }
  } catch (error) {
    await transport.close();
    throw error;
  }
  try {
    return await assembleClient(options, transport, endpoint, network);
  } catch (error) {
    // Whatever was opened is closed again, so a failed createClient lets the process exit.
    await endpoint.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
    throw error;
  }
}

/** The client on an open SIP transport and MSRP endpoint: user agent, sender, receivers, server. */
async function assembleClient(
  options: ClientOptions & ClientExtraOptions,
  transport: SipTransport,
  endpoint: MsrpEndpoint,
  network: ReturnType<typeof networkUaOptions>,
): Promise<CpmClient> {
  const log = options.log;
  const procedures = options.procedures ?? fileTransferProcedures;
  const receivers: FileTransferReceiver[] = [];
  // RFC 5547 pull: at most one server answers the recvonly offers; push offers go to the receiver.
  let server: FileServer | undefined;
  const latest = (): FileTransferReceiver | undefined => receivers[receivers.length - 1];

  const ua = createUserAgent({
    transports: [transport],
    localUri: options.localUri,
    ...network,
    ...(options.outboundProxy !== undefined ? { outboundProxy: options.outboundProxy } : {}),
    contactParams: cpmContactParams(),
    // RFC 5366: a recipient-list INVITE may reach us when we act as the focus in tests.
    supported: ['recipient-list-invite'],
    userAgent: 'cpm-ft',
    ...(options.sipTimers !== undefined ? { timers: { T1: options.sipTimers.T1 ?? 500, T2: options.sipTimers.T2 ?? 4000, T4: options.sipTimers.T4 ?? 5000 } } : {}),
    ...(options.inviteTimeoutMs !== undefined ? { inviteProvisionalTimeoutMs: options.inviteTimeoutMs } : {}),
    ...(options.noAnswerNoticeMs !== undefined ? { noAnswerNoticeMs: options.noAnswerNoticeMs } : {}),
    // RFC 6665 §4.5.2: the focus NOTIFYs the conference state inside our group INVITE dialog.
    dialogMethods: ['NOTIFY'],
    ...(log !== undefined ? { logger: (event: SipLogEvent) => log(sipLogEvent(event)) } : {}),
    delegate: {
      // RFC 3261 §21.4.18: nobody receiving files here yet, so the callee is unavailable.
      onInvite: (incoming) => {
        if (server !== undefined && isPullOffer(incoming.request)) { server.handleInvite(incoming); return; }
        const receiver = latest();
        if (receiver === undefined) { incoming.reject(480); return; }
        icons.noteRequest(incoming.request);
        receiver.handleInvite(incoming);
      },
      onReinvite: (dialog, incoming) => {
        if (server?.handles(dialog) === true) { server.handleReinvite(dialog, incoming); return; }
        const receiver = latest();
        if (receiver === undefined) { incoming.reject(488); return; }
        icons.noteRequest(incoming.request);
        receiver.handleReinvite(dialog, incoming);
      },
      onAck: (dialog) => { for (const r of receivers) r.handleAck(dialog); },
      onBye: (dialog, request) => {
        server?.handleBye(dialog);
        for (const r of receivers) r.handleBye(dialog);
        sender.handlePeerBye(dialog, request);
      },
      onDialogTerminated: (dialog) => { server?.handleBye(dialog); for (const r of receivers) r.handleBye(dialog); },
      onDialogRequest: (dialog, incoming) => sender.handleDialogRequest(dialog, incoming),
    },
  });

  const notice = options.onNotice;
  // Automatic icons for image files without one; the image library loads on the first image only.
  const thumbnailer = options.autoIcons === false ? undefined : new AutoThumbnailer({
    load: options.loadImageLibrary ?? loadSharp,
    note: (note) => {
      const event: LogEvent = { kind: 'file', ...note };
      log?.(event);
      notice?.(event);
    },
  });
  // The sender's log also feeds onNotice with its resume events, so a caller can say "resuming"
  // without subscribing to every protocol message.
  const senderLog = notice === undefined ? log : (event: LogEvent): void => {
    log?.(event);
    if (event.kind === 'file' && event['event'] === 'resume') notice(event);
  };
  const sender = new FileTransferSender({
    ua,
    endpoint,
    procedures,
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : options.msrpRelay !== undefined ? { chunkSize: transferDefaults.relayChunkSize } : {}),
    ...(options.successReport !== undefined ? { successReport: options.successReport } : {}),
    ...(options.peerTuning !== undefined ? { peerTuning: options.peerTuning } : {}),
    ...(options.reuseMlines !== undefined ? { reuseMlines: options.reuseMlines } : {}),
    ...(options.checkPendingFiles !== undefined ? { checkPendingFiles: options.checkPendingFiles } : {}),
    ...(options.decisions !== undefined ? { decisions: options.decisions } : {}),
    ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
    ...(options.reportGraceMs !== undefined ? { reportGraceMs: options.reportGraceMs } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
    ...(options.peerMaxSizeScope !== undefined ? { peerMaxSizeScope: options.peerMaxSizeScope } : {}),
    ...(options.hashCacheDir !== undefined ? { hashStore: new FileHashStore(options.hashCacheDir) } : {}),
    ...(senderLog !== undefined ? { log: senderLog } : {}),
  });
  // RFC 5547 file-range resume across processes: the sender's restart points live in a file. A
  // state that cannot be read or written is reported and otherwise ignored (a full resend at worst).
  const resumeStore = options.resumeStatePath === undefined || options.resume === false
    ? undefined
    : await ResumeStore.attach(options.resumeStatePath, sender.resumeBook, (message) => {
      const event: LogEvent = { kind: 'file', event: 'resume-state-warning', path: options.resumeStatePath, message };
      log?.(event);
      notice?.(event);
      if (log === undefined && notice === undefined) process.emitWarning(message, { code: 'CPM_FT_RESUME_STATE' });
    });

  const events = new TypedEmitter<IncomingTransferEvents>();
  let maxIconBytes: number | undefined;
  // RFC 5547 §6: icons of accepted offers become 'icon' events (checked, bounded; see the relay).
  const icons = new OfferedIconRelay({
    procedures,
    maxBytes: () => maxIconBytes,
    emit: (payload) => events.emit('icon', payload),
    ...(log !== undefined ? { log } : {}),
  });
  let closed: Promise<void> | undefined;
  const sipAddress: { host: string; port: number; transport: SipTransportName } = {
    host: transport.local.host,
    port: transport.local.port,
    transport: options.sip.transport,
  };

  const registrations = new ClientRegistrations(ua, log);
  const client: CpmClient = {
    sipAddress,
    send(destination: Destination, files: readonly (string | FileToSend)[], sendOptions: SendOptions = {}): OutgoingTransfer {
      checkSendArguments(destination, files);
      checkSendOptions(sendOptions);
      // Icons are this send's choice only (its batches and queued files), never remembered.
      const icons = new SendIconChoices(thumbnailer);
      const transfer = sender.send(destination, files.map(icons.note), icons.lookup);
      const outgoing: OutgoingTransfer = {
        queue(more) {
          checkQueueArguments(more);
          transfer.queue(more.map(icons.note));
        },
        cancel(reason) { return transfer.cancel(reason); },
        on(event, listener) { transfer.on(event, listener); return outgoing; },
        once(event, listener) { transfer.once(event, listener); return outgoing; },
        off(event, listener) { transfer.off(event, listener); return outgoing; },
        done: transfer.done,
      };
      const signal = sendOptions.signal;
      if (signal !== undefined) {
        const onAbort = (): void => void transfer.cancel(abortReason(signal));
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          void transfer.done.then(() => signal.removeEventListener('abort', onAbort));
        }
      }
      return outgoing;
    },
    receive(receive: ReceiveOptions & ReceiveExtraOptions): ReceivingHandle {
      checkReceiveOptions(receive);
      if (closed !== undefined) throw new CpmError('ERR_CLIENT_CLOSED', 'receive: the client is closed');
      assertWritableFolder(receive.dir, 'receive');
      const receiver = new FileTransferReceiver({
        endpoint,
        ua,
        procedures,
        dir: receive.dir,
        ...(receive.msrpSetupTimeoutMs !== undefined ? { msrpSetupTimeoutMs: receive.msrpSetupTimeoutMs } : {}),
        ...(receive.idleTimeoutMs !== undefined ? { idleTimeoutMs: receive.idleTimeoutMs } : {}),
        ...(receive.maxSize !== undefined ? { maxSize: receive.maxSize } : {}),
        ...(receive.accept !== undefined ? { accept: receive.accept } : {}),
        ...(receive.setup !== undefined ? { setup: receive.setup } : {}),
        ...(receive.keepPartials !== undefined ? { keepPartials: receive.keepPartials } : {}),
        ...(options.limits?.maxSessionsPerPeer !== undefined ? { maxSessionsPerPeer: options.limits.maxSessionsPerPeer } : {}),
        ...(options.limits?.maxSessions !== undefined ? { maxSessions: options.limits.maxSessions } : {}),
        ...(options.limits?.maxMlinesPerSession !== undefined ? { maxMlinesPerSession: options.limits.maxMlinesPerSession } : {}),
        ...(options.limits?.maxOpenFilesPerSession !== undefined ? { maxOpenFilesPerSession: options.limits.maxOpenFilesPerSession } : {}),
        ...(options.limits?.maxOpenFiles !== undefined ? { maxOpenFiles: options.limits.maxOpenFiles } : {}),
        ...(options.limits?.maxSessionsPerSource !== undefined ? { maxSessionsPerSource: options.limits.maxSessionsPerSource } : {}),
        ...(options.msrpMatchSessionIdOnly === true ? { matchSessionIdOnly: true } : {}),
        ...(log !== undefined ? { log } : {}),
      });
      if (receive.maxIconBytes !== undefined) maxIconBytes = receive.maxIconBytes;
      receiver.on('offer', (e) => { icons.onOffer(e); events.emit('offer', e); });
      receiver.on('progress', (e) => events.emit('progress', e));
      receiver.on('file-received', (e) => events.emit('file-received', e));
      receiver.on('file-failed', (e) => events.emit('file-failed', e));
      receiver.on('session-end', (e) => events.emit('session-end', e));
      receivers.push(receiver);
      let stopped: Promise<void> | undefined;
      return {
        dir: receive.dir,
        stop(): Promise<void> {
          stopped ??= (async () => {
            // New offers no longer reach this receiver (an earlier one, if any, takes them again;
            // with none left they get 480); the sessions it holds end with a BYE.
            const at = receivers.indexOf(receiver);
            if (at !== -1) receivers.splice(at, 1);
            await receiver.close();
          })();
          return stopped;
        },
      };
    },
    on(event, listener) {
      events.on(event, listener);
      return client;
    },
    once(event, listener) {
      events.once(event, listener);
      return client;
    },
    off(event, listener) {
      events.off(event, listener);
      return client;
    },
    serve(serve) {
      checkServeOptions(serve);
      if (server !== undefined) throw new CpmError('ERR_CLIENT_SERVE', 'this client already serves a folder');
      server = new FileServer({
        endpoint,
        ua,
        procedures,
        dir: serve.dir,
        ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
        ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
        ...(log !== undefined ? { log } : {}),
      });
      if (serve.onRequest !== undefined) server.on('request', serve.onRequest);
      if (serve.onServed !== undefined) server.on('file-served', serve.onServed);
    },
    pull(request) {
      // A bad request is the caller's bug: it rejects at once (a transfer failure resolves).
      try { checkPullRequest(request, false); } catch (error) { return Promise.reject(error); }
      return pullFile({
        ua,
        endpoint,
        target: request.from,
        selector: request.selector,
        dir: request.dir,
        ...(request.maxSize !== undefined ? { maxSize: request.maxSize } : {}),
        ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
        ...(log !== undefined ? { log } : {}),
      });
    },
    pullFiles(request) {
      try { checkPullRequest(request, true); } catch (error) { return Promise.reject(error); }
      return pullFiles({
        ua,
        endpoint,
        target: request.from,
        selectors: request.selectors,
        dir: request.dir,
        ...(request.maxSize !== undefined ? { maxSize: request.maxSize } : {}),
        ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
        ...(log !== undefined ? { log } : {}),
      });
    },
    register(register = {}) {
      return registrations.register(register, options.localUri);
    },
    close(): Promise<void> {
      closed ??= (async () => {
        // RFC 3261 §10.2.2: bindings removed (Expires: 0) while the transport is still open.
        await registrations.stopAll();
        await sender.close();
        // Closing fails what is in flight, which records restart points: write them out.
        await resumeStore?.close();
        await Promise.all(receivers.map((r) => r.close()));
        await server?.close();
        ua.close();
        await endpoint.close();
        await transport.close();
      })();
      return closed;
    },
  };
  rememberInternals(client, {
    ua,
    transport,
    endpoint,
    sender,
    get receivers() { return [...receivers]; },
  });
  return client;
}
