// createClient(): the library facade. Composes one SIP user agent (UDP, TCP or TLS), one MSRP
// endpoint, the file-transfer sender and receiver of runtime/transfer, and the generated procedures
// (src/procedures.ts), behind the CpmClient contract of src/client-types.ts.

import { basename } from 'node:path';
import type { TlsOptions, ConnectionOptions } from 'node:tls';
import {
  cpmContactParams, CpmError, createTcpTransport, createTlsTransport, createUdpTransport, createUserAgent,
  DEFAULT_PARSER_LIMITS, type Destination, FileHashStore, FileServer, FileTransferReceiver, type FileTransferProcedures, FileTransferSender, formatMsrpUri, guessMimeType, isPullOffer, MsrpEndpoint, pullFile, pullFiles,
  type MsrpEndpointOptions, type MsrpParserLimits, parseMsrpUri, ResumeStore, type SipLogEvent,
  type SipParseLimits, type SipTransport, transferDefaults, TypedEmitter, type UserAgent,
} from '../runtime/index.ts';
import type { ClientLimits, ClientOptions, CpmClient, FileIcon, FileToSend, IncomingTransferEvents, LogEvent, OutgoingTransfer, ReceiveOptions, ReceivingHandle, SendOptions, SipTransportName } from './client-types.ts';
import { fileTransferProcedures } from './procedures.ts';
import { OfferedIconRelay } from './offered-icon-relay.ts';
import { ClientRegistrations, networkUaOptions } from './client-network.ts';
import { AutoThumbnailer } from './icons/auto-thumbnail.ts';
import { checkClientOptions } from './options/check-client-options.ts';
import { checkPullRequest, checkQueueArguments, checkReceiveOptions, checkSendArguments, checkSendOptions, checkServeOptions } from './options/check-call-options.ts';
import { assertWritableFolder } from './options/writable-folder.ts';
import { SendIconChoices } from './send-icons.ts';
import { loadSharp, type ImageLibraryLoader } from './icons/image-library.ts';


/**
 * Optional additions to ClientOptions (a compatible extension of the contract): TLS credentials,
 * needed when `sip.transport` is 'tls', and a wait timeout for MSRP connections and REPORTs.
 */

/** The cancel reason an aborted signal gives: its reason's text, else a plain phrase. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return typeof reason === 'string' ? reason : 'cancelled by the application';
}
export interface ClientExtraOptions {
  readonly tls?: TlsOptions & ConnectionOptions;
  /** How long to wait for the peer's MSRP connection or a success REPORT (default 30 s). */
  readonly waitTimeoutMs?: number;
  /**
   * SIP timer base values in ms (RFC 3261 §17.1.1.1: T1 500, T2 4000, T4 5000). Timer B, the INVITE
   * give-up time, is 64*T1, so a smaller T1 shortens how long an unanswered INVITE is waited for.
   */
  readonly sipTimers?: { readonly T1?: number; readonly T2?: number; readonly T4?: number };
  /**
   * An INVITE that got a provisional response (100, 180 ...) but no final one this long after is
   * CANCELled and its files fail with a timeout (default 90 s, DEFAULT_INVITE_PROVISIONAL_TIMEOUT_MS;
   * 0 waits for ever).
   */
  readonly inviteTimeoutMs?: number;
  /**
   * MSRP over TLS (msrps: paths, RFC 4975 §6): listen with `tls` key/cert and verify peers and
   * relays against `tls.ca`. Default: on when `sip.transport` is 'tls'.
   */
  readonly msrpTls?: boolean;
  /**
   * What a person should see even without a `log`: a file resumed (RFC 5547 file-range,
   * `{ kind: 'file', event: 'resume', name, from, size }`) and a resume state that cannot be used
   * (`event: 'resume-state-warning'`). Both also go to `log`.
   */
  readonly onNotice?: (event: LogEvent) => void;
  /**
   * How a peer's a=max-size is read: 'message' (default, RFC 4975 §8.6) fails a larger file before
   * sending it; 'chunk' treats it as a chunk bound, as some SBCs do, and caps the chunk size instead.
   */
  readonly peerMaxSizeScope?: 'message' | 'chunk';
  /**
   * The generated procedures to run (handlers and SDP attribute builders). Default: the ones
   * generated from this package's spec/ (src/procedures.ts); tests pass those of a frozen spec.
   */
  readonly procedures?: FileTransferProcedures;
  /**
   * How the image library for automatic icons is loaded (default: import sharp on first use).
   * Tests pass a loader that reports it missing, or a fake.
   */
  readonly loadImageLibrary?: ImageLibraryLoader;
}

/** Optional additions to ReceiveOptions (compatible extension): the a=setup role we answer with. */
export interface ReceiveExtraOptions {
  readonly setup?: 'active' | 'passive' | 'none';
  /** A session whose MSRP connection is not up this long after the ACK is ended (BYE; default 30 s). */
  readonly msrpSetupTimeoutMs?: number;
  /** A session without MSRP traffic this long is ended (BYE; default 60 s). */
  readonly idleTimeoutMs?: number;
}

/** What a client is made of; for tests and diagnostics (not part of the public API). */
export interface ClientInternals {
  readonly ua: UserAgent;
  readonly transport: SipTransport;
  readonly endpoint: MsrpEndpoint;
  readonly sender: FileTransferSender;
  readonly receivers: readonly FileTransferReceiver[];
}

const internals = new WeakMap<CpmClient, ClientInternals>();

export function inspectClient(client: CpmClient): ClientInternals | undefined {
  return internals.get(client);
}

/** The SIP parser limits of ClientLimits; the message bound also bounds the body. */
export function sipParseLimits(limits: ClientLimits | undefined): Partial<SipParseLimits> {
  return {
    ...(limits?.sipMaxMessageBytes !== undefined ? { maxMessageSize: limits.sipMaxMessageBytes, maxBodySize: limits.sipMaxMessageBytes } : {}),
    ...(limits?.sipMaxHeaders !== undefined ? { maxHeaderCount: limits.sipMaxHeaders } : {}),
    ...(limits?.sipMaxHeaderLine !== undefined ? { maxHeaderLineLength: limits.sipMaxHeaderLine } : {}),
  };
}

/**
 * The MSRP parser limits of ClientLimits. The whole header block stays bounded too: at least its
 * default, and room for four lines of the configured length (To-Path and From-Path through relays).
 */
export function msrpParserLimits(limits: ClientLimits | undefined): Partial<MsrpParserLimits> | undefined {
  const line = limits?.msrpMaxHeaderLine;
  const count = limits?.msrpMaxHeaders;
  if (line === undefined && count === undefined) return undefined;
  return {
    ...(line !== undefined ? { maxLineLength: line, maxHeadBytes: Math.max(DEFAULT_PARSER_LIMITS.maxHeadBytes, 4 * line) } : {}),
    ...(count !== undefined ? { maxHeaderCount: count } : {}),
  };
}

async function openTransport(options: ClientOptions & ClientExtraOptions): Promise<SipTransport> {
  const { host, port, transport } = options.sip;
  const limits = sipParseLimits(options.limits);
  const perSource = {
    ...(options.limits?.sipMaxConnectionsPerSource !== undefined ? { maxInboundConnectionsPerSource: options.limits.sipMaxConnectionsPerSource } : {}),
    ...(options.limits?.sipMaxHandshakesPerSource !== undefined ? { maxPendingHandshakesPerSource: options.limits.sipMaxHandshakesPerSource } : {}),
  };
  switch (transport) {
    case 'udp': return createUdpTransport({ host, port, limits });
    case 'tcp': return createTcpTransport({ host, port, limits, ...perSource });
    case 'tls':
      if (options.tls === undefined) throw new CpmError('ERR_CLIENT_TLS_CONFIG', 'SIP over TLS needs `tls` credentials (key, cert, ca) in the client options');
      return createTlsTransport({ host, port, tls: options.tls, limits, ...perSource });
  }
}

/** One LogEvent per SIP message: enough for the CLI's JSON log and for tests to assert on SDP. */
function sipLogEvent(event: SipLogEvent): LogEvent {
  if (event.kind === 'diagnostic') {
    const { kind: diagnostic, ...rest } = event.diagnostic;
    return { kind: 'sip', event: 'diagnostic', diagnostic, transport: event.transport, ...rest };
  }
  const body = event.message.body;
  return {
    kind: 'sip',
    direction: event.direction,
    transport: event.transport,
    peer: `${event.peer.host}:${event.peer.port}`,
    method: event.method,
    ...(event.status !== undefined ? { status: event.status } : {}),
    cseq: event.cseq,
    callId: event.callId,
    contentType: event.message.headers.get('Content-Type'),
    ...(event.message.headers.get('Require') !== undefined ? { require: event.message.headers.get('Require') } : {}),
    ...(event.message.kind === 'request' ? { uri: event.message.uri } : {}),
    ...(body.length > 0 && body.length <= 64 * 1024 ? { body: body.toString('utf8') } : {}),
  };
}

/**
 * The MSRP endpoint's options: TLS (msrps: listener, verified outgoing connections) and the RFC 4976
 * relay to authenticate to. Node verifies TLS peers unless the caller sets rejectUnauthorized: false.
 */
export function msrpEndpointOptions(options: ClientOptions & ClientExtraOptions): MsrpEndpointOptions {
  const useTls = options.msrpTls ?? options.sip.transport === 'tls';
  if (useTls && options.tls === undefined) {
    throw new CpmError('ERR_CLIENT_TLS_CONFIG', 'MSRP over TLS needs `tls` credentials (key, cert, ca) in the client options');
  }
  let relay: MsrpEndpointOptions['relay'];
  if (options.msrpRelay !== undefined) {
    const { uri, username, password, expires } = options.msrpRelay;
    const parsed = parseMsrpUri(uri);
    if (!parsed.ok) throw new CpmError('ERR_CLIENT_MSRP_RELAY', `bad MSRP relay URI ${JSON.stringify(uri)}: ${parsed.error.message}`, { cause: parsed.error });
    const log = options.log;
    relay = {
      uri: parsed.value,
      ...(username !== undefined ? { credentials: { username, password: password ?? '' } } : {}),
      ...(expires !== undefined ? { expires } : {}),
      // A failed re-AUTH is not fatal at once (the grant runs until it expires) but worth telling.
      ...(log !== undefined ? { onRefreshFailed: (error: CpmError) => log({ kind: 'msrp', event: 'relay-refresh-failed', relay: uri, code: error.code, message: error.message }) } : {}),
    };
  }
  const parserLimits = msrpParserLimits(options.limits);
  return {
    host: options.msrp?.host ?? options.sip.host,
    port: options.msrp?.port ?? 0,
    ...(parserLimits !== undefined ? { parserLimits } : {}),
    ...(options.limits?.msrpMaxSilentConnectionsPerSource !== undefined ? { maxSilentConnectionsPerSource: options.limits.msrpMaxSilentConnectionsPerSource } : {}),
    ...(useTls && options.tls !== undefined ? { tls: options.tls } : {}),
    // Outgoing msrps: connections (to a peer or a relay) verify against the same CA.
    ...(options.tls !== undefined ? { tlsClient: options.tls } : {}),
    ...(relay !== undefined ? { relay } : {}),
  };
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
  internals.set(client, {
    ua,
    transport,
    endpoint,
    sender,
    get receivers() { return [...receivers]; },
  });
  return client;
}
