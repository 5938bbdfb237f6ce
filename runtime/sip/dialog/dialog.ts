import { randomInt } from 'node:crypto';
import { parseCSeq } from '../syntax/cseq.ts';
import { formatNameAddr, parseNameAddr } from '../syntax/name-addr.ts';
import { SipHeaders } from '../syntax/sip-headers.ts';
import { createRequest, type SipRequest, type SipResponse } from '../syntax/sip-message.ts';
import { parseSipUri } from '../syntax/sip-uri.ts';
import type { PeerAddress, SipTransport } from '../transport/sip-transport.ts';

export const dialogStates = ['confirmed', 'terminated'] as const;
export type DialogState = (typeof dialogStates)[number];

/** RFC 3261 §12: Call-ID plus local and remote tags identify a dialog. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

export const dialogKey = (id: DialogId): string => `${id.callId}|${id.localTag}|${id.remoteTag}`;

export interface InDialogRequestOptions {
  readonly body?: Buffer;
  readonly contentType?: string;
  readonly headers?: Iterable<{ name: string; value: string }>;
}

/**
 * The dialog state of RFC 3261 §12.1: identifiers, sequence numbers, route set, remote target and
 * the secure flag, plus the bookkeeping for INVITE transactions in progress (RFC 3261 §14.2).
 * The dialog builds in-dialog requests without Via; the UA core adds Via and Contact.
 */
export class Dialog {
  readonly id: DialogId;
  readonly role: 'uac' | 'uas';
  /** Our URI (From of our requests), as name-addr without tag. */
  readonly localUri: string;
  readonly remoteUri: string;
  /** Route set, in the order Route headers are to be written. */
  readonly routeSet: readonly string[];
  readonly secure: boolean;
  /** The transport the dialog was set up over; in-dialog requests prefer it. */
  readonly transport: SipTransport;
  /**
   * UAS over a stream transport: where the connection that brought the INVITE comes from. While that
   * connection is open, requests to a peer reached without proxies go back over it (see
   * `inDialogHop`) rather than over a new connection to the Contact.
   */
  readonly flow: PeerAddress | undefined;
  remoteTarget: string;
  /** Local CSeq: the number of the last request we sent in the dialog. */
  localSeq: number;
  /** Remote CSeq: undefined until the peer sends a request in the dialog (UAC side). */
  remoteSeq: number | undefined;
  state: DialogState = 'confirmed';
  /** CSeq number of the INVITE that last established or refreshed the session (for the ACK). */
  inviteSeq: number;
  /** RFC 3261 §14.2 glare bookkeeping. */
  outgoingInvitePending = false;
  incomingInvitePending = false;

  private constructor(init: {
    id: DialogId;
    role: 'uac' | 'uas';
    localUri: string;
    remoteUri: string;
    routeSet: string[];
    secure: boolean;
    transport: SipTransport;
    flow?: PeerAddress;
    remoteTarget: string;
    localSeq: number;
    remoteSeq: number | undefined;
    inviteSeq: number;
  }) {
    this.id = init.id;
    this.role = init.role;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.routeSet = init.routeSet;
    this.secure = init.secure;
    this.transport = init.transport;
    this.flow = init.flow;
    this.remoteTarget = init.remoteTarget;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.inviteSeq = init.inviteSeq;
  }

  get key(): string {
    return dialogKey(this.id);
  }

  /**
   * RFC 3261 §12.1.2 (UAC): the route set is the Record-Route of the 2xx in reverse order, the
   * remote target its Contact, the local sequence number the INVITE's CSeq, the remote one empty;
   * the dialog is secure when the INVITE went over TLS to a sips Request-URI.
   */
  static fromUac(invite: Pick<SipRequest, 'uri' | 'headers'>, response: SipResponse, transport: SipTransport): Dialog | undefined {
    const to = parseNameAddr(response.headers.get('To') ?? '');
    const from = parseNameAddr(invite.headers.get('From') ?? '');
    const contact = parseNameAddr(response.headers.get('Contact') ?? '');
    const cseq = parseCSeq(invite.headers.get('CSeq') ?? '');
    if (!to.ok || !from.ok || !cseq.ok) return undefined;
    const remoteTag = to.value.params['tag'];
    const localTag = from.value.params['tag'];
    if (remoteTag == null || localTag == null) return undefined;
    return new Dialog({
      id: { callId: invite.headers.get('Call-ID') ?? '', localTag, remoteTag },
      role: 'uac',
      localUri: stripTag(from.value),
      remoteUri: stripTag(to.value),
      routeSet: response.headers.getAll('Record-Route').reverse(),
      secure: transport.secure && /^sips:/i.test(invite.uri),
      transport,
      remoteTarget: contact.ok ? contact.value.uri : invite.uri,
      localSeq: cseq.value.seq,
      remoteSeq: undefined,
      inviteSeq: cseq.value.seq,
    });
  }

  /**
   * A UAC dialog from a 2xx alone, for a forked answer whose INVITE the transaction no longer keeps:
   * the 2xx repeats the INVITE's From, Call-ID and CSeq, and its Contact is mandatory (RFC 3261 §13.3.1.4),
   * so nothing else is needed. Undefined without tags or Contact.
   */
  static fromForkedAnswer(response: SipResponse, transport: SipTransport): Dialog | undefined {
    const contact = parseNameAddr(response.headers.get('Contact') ?? '');
    if (!contact.ok) return undefined;
    return Dialog.fromUac({ uri: contact.value.uri, headers: response.headers }, response, transport);
  }

  /**
   * RFC 3261 §12.1.1 (UAS): the route set is the request's Record-Route in order, the remote
   * target its Contact, the remote sequence number its CSeq; the local sequence number starts
   * empty (we pick a random start below 2**31 when we first send).
   */
  static fromUas(invite: SipRequest, localTag: string, transport: SipTransport, flow?: PeerAddress): Dialog | undefined {
    const to = parseNameAddr(invite.headers.get('To') ?? '');
    const from = parseNameAddr(invite.headers.get('From') ?? '');
    const contact = parseNameAddr(invite.headers.get('Contact') ?? '');
    const cseq = parseCSeq(invite.headers.get('CSeq') ?? '');
    if (!to.ok || !from.ok || !cseq.ok || !contact.ok) return undefined;
    const remoteTag = from.value.params['tag'];
    if (remoteTag == null) return undefined;
    return new Dialog({
      id: { callId: invite.headers.get('Call-ID') ?? '', localTag, remoteTag },
      role: 'uas',
      localUri: stripTag(to.value),
      remoteUri: stripTag(from.value),
      routeSet: invite.headers.getAll('Record-Route'),
      secure: transport.secure && /^sips:/i.test(invite.uri),
      transport,
      ...(transport.reliable && flow !== undefined ? { flow: { host: flow.host, port: flow.port } } : {}),
      remoteTarget: contact.value.uri,
      localSeq: randomInt(1, 2 ** 16),
      remoteSeq: cseq.value.seq,
      inviteSeq: 0,
    });
  }

  /**
   * RFC 3261 §12.2.1.1: builds a request within the dialog. To/From carry the remote/local URIs
   * and tags, CSeq is the local sequence number plus one (ACK and CANCEL reuse a number instead:
   * use `createAck`), and the Request-URI and Route follow the route set: with loose routing
   * (first route has `lr`) the Request-URI is the remote target and the route set is written as
   * Route headers; with a strict router first, the Request-URI is that router and the remote
   * target is appended as the last Route.
   */
  createRequest(method: string, options: InDialogRequestOptions = {}): SipRequest {
    this.localSeq += 1;
    if (method === 'INVITE') this.inviteSeq = this.localSeq;
    return this.#build(method, this.localSeq, options);
  }

  /**
   * RFC 3261 §13.2.2.4: the ACK for a 2xx is built like an in-dialog request but with the CSeq
   * number of the INVITE it acknowledges (and method ACK); it is a new transaction of its own.
   */
  createAck(inviteSeq: number = this.inviteSeq, options: InDialogRequestOptions = {}): SipRequest {
    return this.#build('ACK', inviteSeq, options);
  }

  #build(method: string, seq: number, options: InDialogRequestOptions): SipRequest {
    const headers = new SipHeaders();
    let uri = this.remoteTarget;
    const routes = [...this.routeSet];
    const firstRoute = routes[0] === undefined ? undefined : parseNameAddr(routes[0]);
    const firstUri = firstRoute?.ok ? parseSipUri(firstRoute.value.uri) : undefined;
    if (firstRoute?.ok && firstUri?.ok && !('lr' in firstUri.value.params)) {
      // Strict routing (RFC 2543 proxy): the first route becomes the Request-URI.
      uri = firstRoute.value.uri;
      routes.shift();
      routes.push(`<${this.remoteTarget}>`);
    }
    for (const route of routes) headers.append('Route', route);
    headers.append('Max-Forwards', '70');
    headers.append('From', `${this.localUri};tag=${this.id.localTag}`);
    headers.append('To', `${this.remoteUri};tag=${this.id.remoteTag}`);
    headers.append('Call-ID', this.id.callId);
    headers.append('CSeq', `${seq} ${method}`);
    for (const h of options.headers ?? []) headers.append(h.name, h.value);
    const body = options.body ?? Buffer.alloc(0);
    if (body.length > 0 && options.contentType !== undefined) headers.set('Content-Type', options.contentType);
    return createRequest(method, uri, headers, body);
  }

  /** RFC 3261 §12.2.1.2: a 2xx to a re-INVITE (or a target refresh request) updates the remote target. */
  refreshTarget(message: SipRequest | SipResponse): void {
    const contact = parseNameAddr(message.headers.get('Contact') ?? '');
    if (contact.ok) this.remoteTarget = contact.value.uri;
  }
}

function stripTag(addr: { displayName?: string; uri: string; params: Record<string, string | null> }): string {
  const params = { ...addr.params };
  delete params['tag'];
  return formatNameAddr({ ...addr, params });
}
