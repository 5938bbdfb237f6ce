import { systemClock } from '../clock.ts';
import { CpmError } from '../errors.ts';
import { Dialog, dialogKey } from './dialog/dialog.ts';
import { Uas2xxRetransmitter } from './dialog/uas-2xx-retransmitter.ts';
import { resolveNextHop } from './request-routing.ts';
import { newBranch, newCallId, newTag } from './sip-ids.ts';
import { createResponseTo } from './syntax/build-response.ts';
import { parseCSeq } from './syntax/cseq.ts';
import { formatNameAddr, parseNameAddr } from './syntax/name-addr.ts';
import { ownBytes, unshared } from './syntax/own-bytes.ts';
import { formatParams, quote } from './syntax/parse-params.ts';
import { SipHeaders } from './syntax/sip-headers.ts';
import { createRequest, type SipMessage, type SipRequest, type SipResponse } from './syntax/sip-message.ts';
import { formatSipUri, isSipScheme, parseSipUri, type SipUri } from './syntax/sip-uri.ts';
import { formatVia } from './syntax/via.ts';
import { defaultTimerValues, type TransactionEnv } from './transaction/transaction-env.ts';
import { TransactionLayer } from './transaction/transaction-layer.ts';
import type { ServerTransaction } from './transaction/transaction-env.ts';
import type { MessageSource, PeerAddress, SipTransport } from './transport/sip-transport.ts';
import type {
  HeaderList,
  SipLogEvent,
  InDialogResult,
  IncomingInvite,
  InviteOptions,
  InviteResult,
  PendingInvite,
  UserAgent,
  UserAgentOptions,
} from './user-agent-types.ts';

/** Methods this UA core handles; others get 405 with this list in Allow (RFC 3261 §8.2.1). */
const ALLOWED = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] as const;

const toBuffer = (body: Buffer | string | undefined): Buffer => (body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? ownBytes(body) : unshared(body));

/** Creates a SIP user agent core (RFC 3261 §8, §12-§15) over the given transports. */
export function createUserAgent(options: UserAgentOptions): UserAgent {
  return new UserAgentCore(options);
}

class UserAgentCore implements UserAgent {
  readonly options: UserAgentOptions;
  readonly #clock;
  readonly #timers;
  readonly #layer: TransactionLayer;
  readonly #dialogs = new Map<string, Dialog>();
  /** 2xx retransmitters of UAS dialogs awaiting their ACK, by dialog key. */
  readonly #awaitingAck = new Map<string, Uas2xxRetransmitter>();
  /**
   * ACKs we sent for 2xx, re-sent when the 2xx is retransmitted (RFC 3261 §13.2.2.4): by dialog key,
   * then INVITE CSeq, so ending a dialog drops its ACKs in one step (a scan of every dialog's ACKs
   * made each BYE cost O(open dialogs): quadratic at 500 concurrent sessions).
   */
  readonly #sentAcks = new Map<string, Map<number, SipRequest>>();
  /** Pending incoming INVITEs by their server transaction key, for CANCEL. */
  readonly #incoming = new Map<ServerTransaction, IncomingInviteImpl>();
  readonly #proxy: SipUri | undefined;
  /** ALLOWED plus the in-dialog methods the application handles (`dialogMethods`). */
  readonly #allowed: readonly string[];
  #closed = false;

  constructor(options: UserAgentOptions) {
    if (options.transports.length === 0) throw new CpmError('ERR_SIP_NO_TRANSPORT', 'createUserAgent needs at least one transport');
    this.options = options;
    this.#clock = options.clock ?? systemClock;
    this.#timers = { ...defaultTimerValues, ...options.timers };
    this.#allowed = [...ALLOWED, ...(options.dialogMethods ?? []).filter((m) => !(ALLOWED as readonly string[]).includes(m))];
    if (options.outboundProxy !== undefined) {
      if (typeof options.outboundProxy === 'string') {
        const parsed = parseSipUri(options.outboundProxy);
        if (!parsed.ok) throw parsed.error;
        this.#proxy = parsed.value;
      } else this.#proxy = options.outboundProxy;
    }
    const env: TransactionEnv = {
      clock: this.#clock,
      timers: this.#timers,
      send: (message, transport, destination) => this.#send(message, transport, destination),
    };
    this.#layer = new TransactionLayer(env);
    for (const transport of options.transports) {
      transport.onMessage((message, source) => this.#receive(message, source));
      transport.onDiagnostic((diagnostic) => this.#emit({ kind: 'diagnostic', transport: transport.protocol, diagnostic }));
    }
  }

  get dialogs(): ReadonlyMap<string, Dialog> {
    return this.#dialogs;
  }

  // ---------------------------------------------------------------- sending helpers

  #send(message: SipMessage, transport: SipTransport, destination: PeerAddress): Promise<void> {
    this.#log('sent', message, transport, destination);
    return transport.send(message, destination);
  }

  /** Calls the application's logger; a logger that throws is ignored (there is nowhere left to report it). */
  #emit(event: SipLogEvent): void {
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
  #guard(what: string, transport: SipTransport, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (error) {
      this.#reportCallbackError(what, transport, error);
      return false;
    }
  }

  #reportCallbackError(what: string, transport: SipTransport, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.#emit({ kind: 'diagnostic', transport: transport.protocol, diagnostic: { kind: 'callback-error', code: 'ERR_SIP_CALLBACK', message: `${what} threw: ${text}` } });
  }

  #log(direction: 'sent' | 'received', message: SipMessage, transport: SipTransport, peer: PeerAddress): void {
    if (this.options.logger === undefined) return;
    const cseq = message.headers.get('CSeq') ?? '';
    this.#emit({
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

  /** Contact for messages sent over `transport` (RFC 3261 §8.1.1.8: reachable, sips for TLS). */
  #contact(transport: SipTransport): string {
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
  #via(transport: SipTransport, branch = newBranch()): string {
    return formatVia({
      protocol: 'SIP',
      version: '2.0',
      transport: transport.protocol,
      host: transport.advertisedHost,
      port: transport.local.port,
      params: { branch, rport: null },
    });
  }

  #common(headers: SipHeaders): void {
    if (this.options.userAgent !== undefined) headers.append('User-Agent', this.options.userAgent);
  }

  // ---------------------------------------------------------------- client side

  invite(target: string, options: InviteOptions = {}): PendingInvite {
    let cancelWanted: string | undefined;
    let cancelFn: (reason?: string) => void = (reason) => {
      cancelWanted = reason ?? 'cancelled';
    };
    let request: SipRequest | undefined;
    const promise = new Promise<InviteResult>((resolve, reject) => {
      const targetUri = parseSipUri(target);
      if (!targetUri.ok) {
        reject(targetUri.error);
        return;
      }
      const headers = new SipHeaders();
      // RFC 3261 §8.1.1: the mandatory headers of a new request.
      const fromTag = newTag();
      const first = this.options.transports[0]!;
      const display = this.options.displayName === undefined ? '' : `${quote(this.options.displayName)} `;
      headers.append('Max-Forwards', '70');
      headers.append('From', `${display}<${this.options.localUri}>;tag=${fromTag}`);
      headers.append('To', options.to ?? `<${target}>`);
      headers.append('Call-ID', newCallId(first.advertisedHost));
      headers.append('CSeq', `${Math.floor(Math.random() * 2 ** 16) + 1} INVITE`);
      // RFC 3261 §8.1.2: with an outbound proxy the request keeps the target as Request-URI and
      // gets the proxy as a loose-routing Route header, so it is sent to the proxy.
      if (this.#proxy !== undefined) headers.append('Route', `<${formatSipUri({ ...this.#proxy, params: { ...this.#proxy.params, lr: null } })}>`);
      headers.append('Allow', this.#allowed.join(', '));
      this.#common(headers);
      for (const h of options.headers ?? []) headers.append(h.name, h.value);
      const body = toBuffer(options.body);
      if (body.length > 0) headers.set('Content-Type', options.contentType ?? 'application/sdp');
      const invite = createRequest('INVITE', target, headers, body);
      const hop = resolveNextHop(invite, this.options.transports);
      if (!hop.ok) {
        reject(hop.error);
        return;
      }
      const { transport, destination } = hop.value;
      invite.headers.prepend('Via', this.#via(transport));
      invite.headers.set('Contact', this.#contact(transport));
      request = invite;

      let provisional = false;
      let cancelSent = false;
      let settled = false;
      const sendCancel = (): void => {
        if (cancelSent || settled) return;
        cancelSent = true;
        // RFC 3261 §9.1: CANCEL copies Request-URI, Call-ID, To, From, the CSeq number and the
        // top Via (same branch) and the Route headers of the INVITE; it is its own non-INVITE
        // transaction sent to the same destination.
        const h = new SipHeaders();
        h.append('Via', invite.headers.get('Via') ?? '');
        for (const r of invite.headers.getAll('Route')) h.append('Route', r);
        h.append('Max-Forwards', '70');
        h.append('From', invite.headers.get('From') ?? '');
        h.append('To', invite.headers.get('To') ?? '');
        h.append('Call-ID', invite.headers.get('Call-ID') ?? '');
        const cseq = parseCSeq(invite.headers.get('CSeq') ?? '');
        h.append('CSeq', `${cseq.ok ? cseq.value.seq : 1} CANCEL`);
        if (cancelWanted !== undefined && cancelWanted !== 'cancelled') h.append('Reason', `SIP;text=${quote(cancelWanted)}`);
        this.#layer.sendRequest(createRequest('CANCEL', invite.uri, h), transport, destination, {
          onResponse: () => undefined,
          onTimeout: () => undefined,
          onTransportError: () => undefined,
        });
      };
      cancelFn = (reason) => {
        cancelWanted = reason ?? 'cancelled';
        // RFC 3261 §9.1: a CANCEL must not be sent before a provisional response arrived.
        if (provisional) sendCancel();
      };

      // The transaction keeps these callbacks until it ends, up to 32 s after the final response
      // (RFC 6026 Timer M, Timer D): once the caller has its answer they must not hold the promise,
      // and through it the dialog and the response, so its settle functions are dropped then.
      let outcome: { readonly resolve: (result: InviteResult) => void; readonly reject: (error: unknown) => void } | undefined = { resolve, reject };
      const settle = (result: InviteResult): void => {
        const o = outcome;
        outcome = undefined;
        o?.resolve(result);
      };
      const fail = (error: unknown): void => {
        const o = outcome;
        outcome = undefined;
        o?.reject(error);
      };
      this.#layer.sendRequest(invite, transport, destination, {
        onResponse: (response) => {
          if (response.status < 200) {
            provisional = true;
            if (cancelWanted !== undefined) sendCancel();
            const onProgress = options.onProgress;
            if (response.status > 100 && onProgress !== undefined) this.#guard('onProgress', transport, () => onProgress(response));
            return;
          }
          if (response.status < 300) {
            const existing = this.#uacDialogFor(response);
            if (existing !== undefined) {
              // A retransmitted 2xx: RFC 3261 §13.2.2.4 says to send the same ACK again.
              this.#resendAck(existing);
              return;
            }
            const dialog = Dialog.fromUac(invite, response, transport);
            if (dialog === undefined) {
              if (!settled) fail(new CpmError('ERR_SIP_PARSE', 'cannot create a dialog from the 2xx (missing tags or Contact)'));
              settled = true;
              return;
            }
            this.#dialogs.set(dialog.key, dialog);
            this.#sendAck(dialog, dialog.inviteSeq);
            // TODO(RFC 3261 §13.2.2.4): a forked INVITE may bring 2xx from several UASs; each
            // creates its own dialog here but only the first is reported to the caller.
            if (settled) return;
            settled = true;
            if (cancelWanted !== undefined) {
              // §9.1 race: the 2xx crossed our CANCEL; the session is ACKed and closed at once.
              void this.bye(dialog).catch(() => undefined);
              settle({ kind: 'rejected', response, cancelled: true });
              return;
            }
            settle({ kind: 'accepted', dialog, response });
            return;
          }
          if (settled) return;
          settled = true;
          settle({ kind: 'rejected', response, cancelled: cancelWanted !== undefined });
        },
        onTimeout: () => {
          if (settled) return;
          settled = true;
          fail(new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to INVITE ${target} (Timer B)`));
        },
        onTransportError: (error) => {
          if (settled) return;
          settled = true;
          fail(error);
        },
      });
    });
    const pending = promise as PendingInvite;
    Object.defineProperty(pending, 'request', { get: () => request });
    Object.defineProperty(pending, 'cancel', { value: (reason?: string) => cancelFn(reason) });
    return pending;
  }

  #uacDialogFor(response: SipResponse): Dialog | undefined {
    const id = this.#idFromResponse(response);
    return id === undefined ? undefined : this.#dialogs.get(id);
  }

  #idFromResponse(response: SipResponse): string | undefined {
    const from = parseNameAddr(response.headers.get('From') ?? '');
    const to = parseNameAddr(response.headers.get('To') ?? '');
    if (!from.ok || !to.ok) return undefined;
    const localTag = from.value.params['tag'];
    const remoteTag = to.value.params['tag'];
    if (localTag == null || remoteTag == null) return undefined;
    return dialogKey({ callId: response.headers.get('Call-ID') ?? '', localTag, remoteTag });
  }

  /** RFC 3261 §13.2.2.4: the ACK for a 2xx goes straight to the transport, outside any transaction. */
  #sendAck(dialog: Dialog, seq: number): void {
    const ack = dialog.createAck(seq);
    this.#sendOutsideTransaction(dialog, ack);
    let acks = this.#sentAcks.get(dialog.key);
    if (acks === undefined) this.#sentAcks.set(dialog.key, (acks = new Map()));
    acks.set(seq, ack);
  }

  #resendAck(dialog: Dialog): void {
    const ack = this.#sentAcks.get(dialog.key)?.get(dialog.inviteSeq);
    if (ack !== undefined) this.#sendOutsideTransaction(dialog, ack, false);
  }

  #sendOutsideTransaction(dialog: Dialog, request: SipRequest, addVia = true): void {
    const hop = resolveNextHop(request, this.options.transports, dialog.transport);
    if (!hop.ok) return;
    if (addVia) request.headers.prepend('Via', this.#via(hop.value.transport));
    this.#send(request, hop.value.transport, hop.value.destination).catch(() => undefined);
  }

  /** Sends a request built by the dialog through a new client transaction. */
  #sendInDialog(dialog: Dialog, request: SipRequest, onFinal: (response: SipResponse) => void, onError: (error: CpmError) => void): void {
    const hop = resolveNextHop(request, this.options.transports, dialog.transport);
    if (!hop.ok) {
      onError(hop.error);
      return;
    }
    request.headers.prepend('Via', this.#via(hop.value.transport));
    this.#common(request.headers);
    if (request.method === 'INVITE') request.headers.set('Contact', this.#contact(hop.value.transport));
    this.#layer.sendRequest(request, hop.value.transport, hop.value.destination, {
      onResponse: (response) => {
        if (response.status >= 200) onFinal(response);
      },
      onTimeout: () => onError(new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to ${request.method} in dialog ${dialog.id.callId}`)),
      onTransportError: onError,
    });
  }

  reinvite(dialog: Dialog, body?: Buffer | string, contentType?: string, headers?: HeaderList): Promise<InDialogResult> {
    return new Promise((resolve, reject) => {
      if (dialog.state === 'terminated') {
        reject(new CpmError('ERR_SIP_DIALOG_TERMINATED', 'the dialog has ended'));
        return;
      }
      // RFC 3261 §14.1: no new re-INVITE while one is in progress in either direction.
      if (dialog.outgoingInvitePending || dialog.incomingInvitePending) {
        reject(new CpmError('ERR_SIP_REQUEST_PENDING', 'an INVITE transaction is already in progress in this dialog'));
        return;
      }
      const bodyBuf = toBuffer(body);
      const request = dialog.createRequest('INVITE', {
        body: bodyBuf,
        ...(bodyBuf.length > 0 ? { contentType: contentType ?? 'application/sdp' } : {}),
        ...(headers !== undefined ? { headers } : {}),
      });
      const seq = dialog.localSeq;
      dialog.outgoingInvitePending = true;
      let done = false;
      this.#sendInDialog(
        dialog,
        request,
        (response) => {
          if (response.status < 300) {
            // RFC 3261 §14.1: ACK every 2xx (also retransmissions) with the re-INVITE's CSeq number.
            if (done) {
              this.#resendAck(dialog);
              return;
            }
            dialog.refreshTarget(response);
            this.#sendAck(dialog, seq);
          }
          if (done) return;
          done = true;
          dialog.outgoingInvitePending = false;
          // RFC 3261 §12.2.1.2 / §14.1: 481 or 408 to a re-INVITE means the dialog is gone.
          if (response.status === 481 || response.status === 408) this.#terminateDialog(dialog, `${response.status} to re-INVITE`);
          resolve({ response });
        },
        (error) => {
          dialog.outgoingInvitePending = false;
          if (error.code === 'ERR_SIP_TRANSACTION_TIMEOUT') this.#terminateDialog(dialog, 're-INVITE timed out');
          reject(error);
        },
      );
    });
  }

  bye(dialog: Dialog, headers?: HeaderList): Promise<InDialogResult> {
    if (dialog.state === 'terminated' && !this.#dialogs.has(dialog.key)) {
      return Promise.reject(new CpmError('ERR_SIP_DIALOG_TERMINATED', 'the dialog has ended'));
    }
    const request = dialog.createRequest('BYE', headers === undefined ? {} : { headers });
    // RFC 3261 §15.1.1: the session and dialog end as soon as the BYE is sent.
    this.#terminateDialog(dialog, 'BYE sent', false);
    return new Promise((resolve, reject) => this.#sendInDialog(dialog, request, (response) => resolve({ response }), reject));
  }

  request(dialog: Dialog, method: string, options: { body?: Buffer | string; contentType?: string; headers?: HeaderList } = {}): Promise<InDialogResult> {
    if (method === 'INVITE' || method === 'ACK' || method === 'CANCEL' || method === 'BYE') {
      return Promise.reject(new CpmError('ERR_SIP_INVALID_METHOD', `use the dedicated method for ${method}`));
    }
    const body = toBuffer(options.body);
    const request = dialog.createRequest(method, {
      body,
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
    });
    return new Promise((resolve, reject) =>
      this.#sendInDialog(
        dialog,
        request,
        (response) => {
          if (response.status === 481 || response.status === 408) this.#terminateDialog(dialog, `${response.status} to ${method}`);
          resolve({ response });
        },
        reject,
      ),
    );
  }

  #terminateDialog(dialog: Dialog, reason: string, notify = true): void {
    if (dialog.state === 'terminated' && !this.#dialogs.has(dialog.key)) return;
    dialog.state = 'terminated';
    this.#dialogs.delete(dialog.key);
    this.#awaitingAck.get(dialog.key)?.stop();
    this.#awaitingAck.delete(dialog.key);
    this.#sentAcks.delete(dialog.key);
    if (notify) this.#notifyTerminated(dialog, reason);
  }

  #notifyTerminated(dialog: Dialog, reason: string): void {
    const hook = this.options.delegate?.onDialogTerminated;
    if (hook !== undefined) this.#guard('onDialogTerminated', dialog.transport, () => hook.call(this.options.delegate, dialog, reason));
  }

  /** Hands an INVITE / re-INVITE to the application; one that throws before answering gets 500. */
  #offerInvite(what: string, incoming: IncomingInviteImpl, call: () => void): void {
    if (this.#guard(what, incoming.source.transport, call) || incoming.answered) return;
    // RFC 3261 §21.5.1: 500 is the answer for an unexpected condition inside the server.
    incoming.reject(500, 'Server Internal Error');
  }

  // ---------------------------------------------------------------- receiving

  #receive(message: SipMessage, source: MessageSource): void {
    if (this.#closed) return;
    try {
      this.#receiveMessage(message, source);
    } catch (error) {
      // Last line of defence for anything not guarded closer to the callback: report, and answer a
      // request whose server transaction has no final response yet with 500 (RFC 3261 §21.5.1).
      this.#reportCallbackError(`handling ${message.kind === 'request' ? message.method : `${message.status} response`}`, source.transport, error);
      if (message.kind !== 'request' || message.method === 'ACK') return;
      const tx = this.#layer.findServerTransaction(message);
      if (tx === undefined || (tx.lastResponse !== undefined && tx.lastResponse.status >= 200)) return;
      const incoming = this.#incoming.get(tx);
      try {
        if (incoming !== undefined && !incoming.answered) incoming.reject(500, 'Server Internal Error');
        else if (incoming === undefined) tx.respond(createResponseTo(message, 500, { toTag: newTag(), headers: this.#serverHeaders([]) }));
      } catch (inner) {
        this.#reportCallbackError('answering 500', source.transport, inner);
      }
    }
  }

  #receiveMessage(message: SipMessage, source: MessageSource): void {
    this.#log('received', message, source.transport, source);
    if (message.kind === 'response') {
      // RFC 3261 §17.1.3: responses go to their client transaction; a 2xx to INVITE that arrives
      // after the transaction ended is handled by the UA core as a retransmission (§13.2.2.4).
      if (this.#layer.receiveResponse(message)) return;
      const cseq = parseCSeq(message.headers.get('CSeq') ?? '');
      if (cseq.ok && cseq.value.method === 'INVITE' && message.status >= 200 && message.status < 300) {
        const dialog = this.#uacDialogFor(message);
        if (dialog !== undefined) this.#resendAck(dialog);
      }
      return;
    }
    this.#receiveRequest(message, source);
  }

  #receiveRequest(request: SipRequest, source: MessageSource): void {
    if (request.method === 'ACK') {
      // RFC 3261 §17.2.3: an ACK for a non-2xx matches the INVITE server transaction.
      const tx = this.#layer.findServerTransaction(request);
      if (tx !== undefined) {
        tx.receiveRequest(request);
        return;
      }
      // RFC 3261 §13.3.1.4: the ACK for our 2xx is a request within the dialog and stops the
      // 2xx retransmissions. ACKs matching nothing are dropped (never answered).
      const dialog = this.#dialogForRequest(request);
      if (dialog === undefined) return;
      const retransmitter = this.#awaitingAck.get(dialog.key);
      if (retransmitter !== undefined) {
        retransmitter.stop();
        this.#awaitingAck.delete(dialog.key);
        const onAck = this.options.delegate?.onAck;
        if (onAck !== undefined) this.#guard('onAck', source.transport, () => onAck.call(this.options.delegate, dialog, request));
      }
      return;
    }

    // RFC 3261 §17.2.3: a retransmitted request is handled by its existing server transaction.
    const existing = this.#layer.findServerTransaction(request);
    if (existing !== undefined) {
      existing.receiveRequest(request);
      return;
    }
    const tx = this.#layer.createServerTransaction(request, source);
    const reply = (status: number, extra: HeaderList = [], reason?: string): void =>
      tx.respond(
        createResponseTo(request, status, {
          toTag: newTag(),
          headers: this.#serverHeaders(extra),
          ...(reason !== undefined ? { reason } : {}),
        }),
      );

    if (request.method === 'CANCEL') {
      this.#receiveCancel(request, reply);
      return;
    }
    // RFC 3261 §8.2.2.1: a Request-URI scheme we do not understand is answered 416.
    if (!isSipScheme(request.uri)) {
      reply(416);
      return;
    }
    // RFC 3261 §8.2.1: an unsupported method gets 405 listing the ones we allow.
    if (!this.#allowed.includes(request.method)) {
      reply(405, [{ name: 'Allow', value: this.#allowed.join(', ') }]);
      return;
    }
    // RFC 3261 §8.2.2.3: option tags in Require that we do not support get 420 with Unsupported.
    const required = request.headers.getAll('Require').flatMap((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
    const unsupported = required.filter((tag) => !(this.options.supported ?? []).includes(tag));
    if (unsupported.length > 0) {
      reply(420, [{ name: 'Unsupported', value: unsupported.join(', ') }]);
      return;
    }
    const to = parseNameAddr(request.headers.get('To') ?? '');
    const from = parseNameAddr(request.headers.get('From') ?? '');
    const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
    if (!to.ok || !from.ok || !cseq.ok) {
      reply(400, [], 'Bad Request (unparsable To, From or CSeq)');
      return;
    }
    if (to.value.params['tag'] != null) {
      this.#receiveInDialog(request, tx, source, cseq.value.seq, reply);
      return;
    }
    switch (request.method) {
      case 'INVITE': {
        if (!request.headers.has('Contact')) {
          // RFC 3261 §8.1.1.8: an INVITE must carry a Contact; without one no dialog can exist.
          reply(400, [], 'Bad Request (missing Contact)');
          return;
        }
        const incoming = new IncomingInviteImpl(this, request, source, tx, undefined);
        this.#incoming.set(tx, incoming);
        const onInvite = this.options.delegate?.onInvite;
        if (onInvite === undefined) incoming.reject(480);
        else this.#offerInvite('onInvite', incoming, () => onInvite.call(this.options.delegate, incoming));
        return;
      }
      case 'OPTIONS':
        // RFC 3261 §11.2: answer OPTIONS as we would an INVITE, listing our capabilities.
        reply(200, [
          { name: 'Allow', value: this.#allowed.join(', ') },
          { name: 'Accept', value: 'application/sdp, multipart/mixed' },
        ]);
        return;
      default:
        // RFC 3261 §12.2.2 / §15.1.2: a BYE (or other dialog request) without a To tag matches no dialog.
        reply(481);
    }
  }

  #receiveCancel(cancel: SipRequest, reply: (status: number, extra?: HeaderList) => void): void {
    // RFC 3261 §9.2: CANCEL targets the INVITE server transaction with the same branch/sent-by.
    const inviteTx = this.#layer.findServerTransaction(cancel, 'INVITE');
    const incoming = inviteTx === undefined ? undefined : this.#incoming.get(inviteTx);
    if (inviteTx === undefined || incoming === undefined) {
      reply(481);
      return;
    }
    // §9.2: the CANCEL itself is answered 200; if the INVITE is still unanswered it gets 487.
    reply(200);
    if (!incoming.answered) {
      incoming.markCancelled();
      inviteTx.respond(createResponseTo(incoming.request, 487, { toTag: incoming.localTag, headers: this.#serverHeaders([]) }));
      this.#incoming.delete(inviteTx);
      const onCancel = this.options.delegate?.onCancel;
      if (onCancel !== undefined) this.#guard('onCancel', incoming.source.transport, () => onCancel.call(this.options.delegate, incoming, cancel));
    }
  }

  #dialogForRequest(request: SipRequest): Dialog | undefined {
    const to = parseNameAddr(request.headers.get('To') ?? '');
    const from = parseNameAddr(request.headers.get('From') ?? '');
    if (!to.ok || !from.ok) return undefined;
    const localTag = to.value.params['tag'];
    const remoteTag = from.value.params['tag'];
    if (localTag == null || remoteTag == null) return undefined;
    return this.#dialogs.get(dialogKey({ callId: request.headers.get('Call-ID') ?? '', localTag, remoteTag }));
  }

  #receiveInDialog(request: SipRequest, tx: ServerTransaction, source: MessageSource, seq: number, reply: (status: number, extra?: HeaderList, reason?: string) => void): void {
    const dialog = this.#dialogForRequest(request);
    // RFC 3261 §12.2.2: a request with a To tag that matches no dialog is answered 481.
    if (dialog === undefined) {
      reply(481);
      return;
    }
    // RFC 3261 §12.2.2: a CSeq lower than the remote sequence number is out of order: 500.
    // A new transaction with an equal number is out of order too (retransmissions matched earlier).
    if (dialog.remoteSeq !== undefined && seq <= dialog.remoteSeq) {
      reply(500, [], 'Server Internal Error (CSeq out of order)');
      return;
    }
    dialog.remoteSeq = seq;
    const replyInDialog = (status: number, extra: HeaderList = []): void => tx.respond(createResponseTo(request, status, { headers: this.#serverHeaders(extra) }));
    switch (request.method) {
      case 'INVITE': {
        // RFC 3261 §14.2: a re-INVITE arriving while our own re-INVITE is pending gets 491; one
        // arriving while an earlier incoming re-INVITE is unanswered gets 500 with Retry-After.
        if (dialog.outgoingInvitePending) {
          replyInDialog(491);
          return;
        }
        if (dialog.incomingInvitePending) {
          replyInDialog(500, [{ name: 'Retry-After', value: String(Math.floor(Math.random() * 10)) }]);
          return;
        }
        dialog.incomingInvitePending = true;
        const incoming = new IncomingInviteImpl(this, request, source, tx, dialog);
        this.#incoming.set(tx, incoming);
        const onReinvite = this.options.delegate?.onReinvite;
        if (onReinvite === undefined) incoming.reject(488);
        else this.#offerInvite('onReinvite', incoming, () => onReinvite.call(this.options.delegate, dialog, incoming));
        return;
      }
      case 'BYE':
        // RFC 3261 §15.1.2: a BYE is answered 200 and ends the dialog and session.
        replyInDialog(200);
        this.#terminateDialog(dialog, 'BYE received', false);
        const onBye = this.options.delegate?.onBye;
        if (onBye !== undefined) this.#guard('onBye', source.transport, () => onBye.call(this.options.delegate, dialog, request));
        return;
      case 'OPTIONS':
        replyInDialog(200, [{ name: 'Allow', value: this.#allowed.join(', ') }]);
        return;
      default:
        // RFC 6665 §4.5.2: SUBSCRIBE / NOTIFY may share the INVITE dialog (dialog reuse); the
        // application answers the methods it registered in `dialogMethods`.
        const onDialogRequest = this.options.delegate?.onDialogRequest;
        if ((this.options.dialogMethods ?? []).includes(request.method) && onDialogRequest !== undefined) {
          let answered = false;
          const handed = this.#guard(`onDialogRequest(${request.method})`, source.transport, () => onDialogRequest.call(this.options.delegate, dialog, {
            request,
            source,
            respond: (status, reason, headers = [], body, contentType) => {
              if (answered) return;
              answered = true;
              const extra = [...headers];
              if (contentType !== undefined) extra.push({ name: 'Content-Type', value: contentType });
              tx.respond(createResponseTo(request, status, {
                headers: this.#serverHeaders(extra),
                ...(reason !== undefined ? { reason } : {}),
                ...(body !== undefined ? { body: typeof body === 'string' ? ownBytes(body) : unshared(body) } : {}),
              }));
            },
          }));
          // RFC 3261 §21.5.1: the application failed before answering; 500 ends the transaction.
          if (!handed && !answered) {
            answered = true;
            replyInDialog(500);
          }
          return;
        }
        replyInDialog(405, [{ name: 'Allow', value: this.#allowed.join(', ') }]);
    }
  }

  #serverHeaders(extra: HeaderList): HeaderList {
    const list = [...extra];
    if (this.options.userAgent !== undefined) list.push({ name: 'Server', value: this.options.userAgent });
    return list;
  }

  // ---------------------------------------------------------------- answering INVITEs (used by IncomingInviteImpl)

  /** Sends the 2xx for an INVITE and makes sure it arrives (RFC 3261 §13.3.1.4). */
  answerInvite(incoming: IncomingInviteImpl, body: Buffer, contentType: string | undefined, extra: HeaderList): Dialog {
    const headers: { name: string; value: string }[] = [{ name: 'Contact', value: this.#contact(incoming.source.transport) }, { name: 'Allow', value: this.#allowed.join(', ') }];
    headers.push(...this.#serverHeaders(extra));
    if (body.length > 0) headers.push({ name: 'Content-Type', value: contentType ?? 'application/sdp' });
    // RFC 3261 §12.1.1: the 2xx copies the INVITE's Record-Route headers.
    for (const rr of incoming.request.headers.getAll('Record-Route')) headers.push({ name: 'Record-Route', value: rr });
    const response = createResponseTo(incoming.request, 200, { toTag: incoming.localTag, headers, body });
    let dialog = incoming.dialog;
    if (dialog === undefined) {
      dialog = Dialog.fromUas(incoming.request, incoming.localTag, incoming.source.transport);
      if (dialog === undefined) throw new CpmError('ERR_SIP_PARSE', 'cannot create a dialog from this INVITE');
      this.#dialogs.set(dialog.key, dialog);
    } else {
      // RFC 3261 §12.2.2: a re-INVITE is a target refresh request.
      dialog.refreshTarget(incoming.request);
      dialog.incomingInvitePending = false;
    }
    incoming.tx.respond(response);
    this.#incoming.delete(incoming.tx);
    const d = dialog;
    this.#awaitingAck.get(d.key)?.stop();
    this.#awaitingAck.set(
      d.key,
      new Uas2xxRetransmitter(
        this.#clock,
        this.#timers,
        () => incoming.tx.respond(response),
        () => {
          // §13.3.1.4: no ACK after 64*T1: confirm the session dead with a BYE.
          this.#awaitingAck.delete(d.key);
          if (d.state === 'terminated') return;
          void this.bye(d).catch(() => undefined);
          this.#notifyTerminated(d, 'no ACK for 2xx');
        },
      ),
    );
    return d;
  }

  answerNon2xx(incoming: IncomingInviteImpl, status: number, reason: string | undefined, extra: HeaderList): void {
    incoming.tx.respond(
      createResponseTo(incoming.request, status, {
        toTag: incoming.localTag,
        headers: [...(status < 200 ? [{ name: 'Contact', value: this.#contact(incoming.source.transport) }] : []), ...this.#serverHeaders(extra)],
        ...(reason !== undefined ? { reason } : {}),
      }),
    );
    if (status >= 200) {
      this.#incoming.delete(incoming.tx);
      if (incoming.dialog !== undefined) incoming.dialog.incomingInvitePending = false;
    }
  }

  close(): void {
    this.#closed = true;
    this.#layer.dispose();
    for (const r of this.#awaitingAck.values()) r.stop();
    this.#awaitingAck.clear();
  }
}

class IncomingInviteImpl implements IncomingInvite {
  readonly localTag: string;
  #cancelled = false;
  #answered = false;

  constructor(
    private readonly ua: UserAgentCore,
    readonly request: SipRequest,
    readonly source: MessageSource,
    readonly tx: ServerTransaction,
    /** Set for a re-INVITE. */
    readonly dialog: Dialog | undefined,
  ) {
    this.localTag = dialog?.id.localTag ?? newTag();
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get answered(): boolean {
    return this.#answered;
  }

  markCancelled(): void {
    this.#cancelled = true;
    this.#answered = true;
  }

  #check(): void {
    if (this.#answered) throw new CpmError('ERR_SIP_INVALID_STATE', this.#cancelled ? 'the INVITE was cancelled' : 'the INVITE was already answered');
  }

  progress(status = 180, reason?: string, headers: HeaderList = []): void {
    this.#check();
    if (status <= 100 || status >= 200) throw new CpmError('ERR_SIP_INVALID_STATUS', `progress() needs a 101-199 status, got ${status}`);
    this.ua.answerNon2xx(this, status, reason, headers);
  }

  accept(body?: Buffer | string, contentType?: string, headers: HeaderList = []): Dialog {
    this.#check();
    this.#answered = true;
    return this.ua.answerInvite(this, toBuffer(body), contentType, headers);
  }

  reject(status: number, reason?: string, headers: HeaderList = []): void {
    this.#check();
    if (status < 300 || status > 699) throw new CpmError('ERR_SIP_INVALID_STATUS', `reject() needs a 300-699 status, got ${status}`);
    this.#answered = true;
    this.ua.answerNon2xx(this, status, reason, headers);
  }
}

// Used by callers that want the canonical Route value for a proxy URI.
export const routeForProxy = (proxy: SipUri): string => formatNameAddr({ uri: formatSipUri({ ...proxy, params: { ...proxy.params, lr: null } }), params: {} });
