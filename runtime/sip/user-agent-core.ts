// The state a SIP user agent core shares between its client and server halves (RFC 3261 §8), and
// the helpers both use: sending and logging through a transport, guarding application callbacks,
// our Via and Contact, and ending dialogs. The halves live in uac-*.ts and uas-*.ts; user-agent.ts
// wires them into the public `UserAgent`.

import { systemClock, type Clock } from '../clock.ts';
import { CpmError } from '../errors.ts';
import { Dialog, dialogKey } from './dialog/dialog.ts';
import type { Uas2xxRetransmitter } from './dialog/uas-2xx-retransmitter.ts';
import { newBranch } from './sip-ids.ts';
import { ownBytes, unshared } from './syntax/own-bytes.ts';
import { parseNameAddr } from './syntax/name-addr.ts';
import { formatParams } from './syntax/parse-params.ts';
import type { SipHeaders } from './syntax/sip-headers.ts';
import type { SipMessage, SipRequest, SipResponse } from './syntax/sip-message.ts';
import { formatSipUri, parseSipUri, type SipUri } from './syntax/sip-uri.ts';
import { formatVia } from './syntax/via.ts';
import { defaultTimerValues, type ServerTransaction, type TimerValues, type TransactionEnv } from './transaction/transaction-env.ts';
import { TransactionLayer } from './transaction/transaction-layer.ts';
import type { PeerAddress, SipTransport } from './transport/sip-transport.ts';
import { DigestAuthenticator } from './digest-authenticator.ts';
import type { IncomingInviteImpl } from './incoming-invite.ts';
import type { HeaderList, SipLogEvent, UserAgentOptions } from './user-agent-types.ts';

/** Methods this UA core handles; others get 405 with this list in Allow (RFC 3261 §8.2.1). */
const ALLOWED = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] as const;

export const toBuffer = (body: Buffer | string | undefined): Buffer => (body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? ownBytes(body) : unshared(body));

export class UaCore {
  readonly options: UserAgentOptions;
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly layer: TransactionLayer;
  readonly dialogs = new Map<string, Dialog>();
  /** 2xx retransmitters of UAS dialogs awaiting their ACK, by dialog key. */
  readonly awaitingAck = new Map<string, Uas2xxRetransmitter>();
  /**
   * ACKs we sent for 2xx, re-sent when the 2xx is retransmitted (RFC 3261 §13.2.2.4): by dialog key,
   * then INVITE CSeq, so ending a dialog drops its ACKs in one step (a scan of every dialog's ACKs
   * made each BYE cost O(open dialogs): quadratic at 500 concurrent sessions).
   */
  readonly sentAcks = new Map<string, Map<number, SipRequest>>();
  /** Pending incoming INVITEs by their server transaction key, for CANCEL. */
  readonly incoming = new Map<ServerTransaction, IncomingInviteImpl>();
  readonly proxy: SipUri | undefined;
  /** Answers digest challenges when the application gave credentials (RFC 3261 §22.2). */
  readonly auth: DigestAuthenticator | undefined;
  /** RFC 3608: the registrar's Service-Route, pre-loaded on out-of-dialog requests after the proxy. */
  serviceRoute: readonly string[] = [];
  /** Request-URIs a new INVITE may carry (others get 404); undefined accepts all. */
  requestUriCheck: ((uri: SipUri) => boolean) | undefined;
  /** ALLOWED plus the in-dialog methods the application handles (`dialogMethods`). */
  readonly allowed: readonly string[];
  closed = false;
  /** Waits that are not transactions (uac-no-answer.ts) and must end with the UA. */
  readonly closers = new Set<() => void>();

  constructor(options: UserAgentOptions) {
    if (options.transports.length === 0) throw new CpmError('ERR_SIP_NO_TRANSPORT', 'createUserAgent needs at least one transport');
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.timers = { ...defaultTimerValues, ...options.timers };
    this.allowed = [...ALLOWED, ...(options.dialogMethods ?? []).filter((m) => !(ALLOWED as readonly string[]).includes(m))];
    if (options.outboundProxy !== undefined) {
      if (typeof options.outboundProxy === 'string') {
        const parsed = parseSipUri(options.outboundProxy);
        if (!parsed.ok) throw parsed.error;
        this.proxy = parsed.value;
      } else this.proxy = options.outboundProxy;
    }
    this.auth = options.credentials === undefined ? undefined : new DigestAuthenticator(options.credentials);
    const env: TransactionEnv = {
      clock: this.clock,
      timers: this.timers,
      send: (message, transport, destination) => this.send(message, transport, destination),
    };
    this.layer = new TransactionLayer(env);
  }

  // ---------------------------------------------------------------- sending and logging

  send(message: SipMessage, transport: SipTransport, destination: PeerAddress): Promise<void> {
    this.log('sent', message, transport, destination);
    return transport.send(message, destination);
  }

  /** Calls the application's logger; a logger that throws is ignored (there is nowhere left to report it). */
  emit(event: SipLogEvent): void {
    try {
      this.options.logger?.(event);
    } catch {
      // The logger is the diagnostics hook itself: reporting its failure through it would recurse.
    }
  }

  /**
   * Runs an application callback. They run inside socket and timer handlers, so an exception must
   * not escape into the I/O loop (it would end the process); it is reported as a diagnostic and
   * false is returned so the caller can answer a request it leaves unanswered.
   */
  guard(what: string, transport: SipTransport, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (error) {
      this.reportCallbackError(what, transport, error);
      return false;
    }
  }

  reportCallbackError(what: string, transport: SipTransport, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.emit({ kind: 'diagnostic', transport: transport.protocol, diagnostic: { kind: 'callback-error', code: 'ERR_SIP_CALLBACK', message: `${what} threw: ${text}` } });
  }

  log(direction: 'sent' | 'received', message: SipMessage, transport: SipTransport, peer: PeerAddress): void {
    if (this.options.logger === undefined) return;
    const cseq = message.headers.get('CSeq') ?? '';
    this.emit({
      kind: 'message',
      direction,
      transport: transport.protocol,
      peer: { host: peer.host, port: peer.port },
      method: message.kind === 'request' ? message.method : (cseq.split(/\s+/)[1] ?? ''),
      ...(message.kind === 'response' ? { status: message.status } : {}),
      cseq,
      callId: message.headers.get('Call-ID') ?? '',
      message,
    });
  }

  // ---------------------------------------------------------------- headers we write

  /** Contact for messages sent over `transport` (RFC 3261 §8.1.1.8: reachable, sips for TLS). */
  contact(transport: SipTransport): string {
    const params = formatParams(this.options.contactParams ?? {});
    if (this.options.contact !== undefined) return `<${this.options.contact}>${params}`;
    const aor = parseSipUri(this.options.localUri);
    const user = aor.ok ? aor.value.user : undefined;
    const uri: SipUri = {
      scheme: transport.secure ? 'sips' : 'sip',
      ...(user !== undefined ? { user } : {}),
      host: transport.advertisedHost,
      port: transport.local.port,
      params: transport.protocol === 'UDP' ? {} : { transport: transport.protocol.toLowerCase() },
      headers: {},
    };
    return `<${formatSipUri(uri)}>${params}`;
  }

  /** RFC 3261 §8.1.1.7 + RFC 3581 §3: our Via, with a fresh branch and an empty rport. */
  via(transport: SipTransport, branch = newBranch()): string {
    return formatVia({
      protocol: 'SIP',
      version: '2.0',
      transport: transport.protocol,
      host: transport.advertisedHost,
      port: transport.local.port,
      params: { branch, rport: null },
    });
  }

  /** Route values for a new out-of-dialog request: the outbound proxy (lr), then the Service-Route. */
  preloadedRoutes(): string[] {
    const routes = this.proxy === undefined ? [] : [`<${formatSipUri({ ...this.proxy, params: { ...this.proxy.params, lr: null } })}>`];
    return [...routes, ...this.serviceRoute];
  }

  common(headers: SipHeaders): void {
    if (this.options.userAgent !== undefined) headers.append('User-Agent', this.options.userAgent);
  }

  serverHeaders(extra: HeaderList): HeaderList {
    const list = [...extra];
    if (this.options.userAgent !== undefined) list.push({ name: 'Server', value: this.options.userAgent });
    return list;
  }

  // ---------------------------------------------------------------- dialogs

  uacDialogFor(response: SipResponse): Dialog | undefined {
    const from = parseNameAddr(response.headers.get('From') ?? '');
    const to = parseNameAddr(response.headers.get('To') ?? '');
    if (!from.ok || !to.ok) return undefined;
    const localTag = from.value.params['tag'];
    const remoteTag = to.value.params['tag'];
    if (localTag == null || remoteTag == null) return undefined;
    return this.dialogs.get(dialogKey({ callId: response.headers.get('Call-ID') ?? '', localTag, remoteTag }));
  }

  dialogForRequest(request: SipRequest): Dialog | undefined {
    const to = parseNameAddr(request.headers.get('To') ?? '');
    const from = parseNameAddr(request.headers.get('From') ?? '');
    if (!to.ok || !from.ok) return undefined;
    const localTag = to.value.params['tag'];
    const remoteTag = from.value.params['tag'];
    if (localTag == null || remoteTag == null) return undefined;
    return this.dialogs.get(dialogKey({ callId: request.headers.get('Call-ID') ?? '', localTag, remoteTag }));
  }

  terminateDialog(dialog: Dialog, reason: string, notify = true): void {
    if (dialog.state === 'terminated' && !this.dialogs.has(dialog.key)) return;
    dialog.state = 'terminated';
    this.dialogs.delete(dialog.key);
    this.awaitingAck.get(dialog.key)?.stop();
    this.awaitingAck.delete(dialog.key);
    this.sentAcks.delete(dialog.key);
    if (notify) this.notifyTerminated(dialog, reason);
  }

  notifyTerminated(dialog: Dialog, reason: string): void {
    const hook = this.options.delegate?.onDialogTerminated;
    if (hook !== undefined) this.guard('onDialogTerminated', dialog.transport, () => hook.call(this.options.delegate, dialog, reason));
  }

  close(): void {
    this.closed = true;
    this.layer.dispose();
    for (const close of [...this.closers]) close();
    this.closers.clear();
    for (const r of this.awaitingAck.values()) r.stop();
    this.awaitingAck.clear();
  }
}
