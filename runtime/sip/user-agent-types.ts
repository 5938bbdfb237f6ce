import type { Clock } from '../clock.ts';
import type { Dialog } from './dialog/dialog.ts';
import type { SipMessage, SipRequest, SipResponse } from './syntax/sip-message.ts';
import type { SipUri } from './syntax/sip-uri.ts';
import type { TimerValues } from './transaction/transaction-env.ts';
import type { TransactionCounts } from './transaction/transaction-layer.ts';
import type { SipCredentials } from './digest-authenticator.ts';
import type { Registration, RegistrationOptions } from './registration.ts';
import type { LocatedTarget } from './locate/server-locator.ts';
import type { MessageSource, PeerAddress, SipTransport, SipTransportProtocol, TransportDiagnostic } from './transport/sip-transport.ts';

export type HeaderList = Iterable<{ readonly name: string; readonly value: string }>;

/** One line of the UA's message log: every message sent or received, plus transport diagnostics. */
export type SipLogEvent =
  | {
      readonly kind: 'message';
      readonly direction: 'sent' | 'received';
      readonly transport: SipTransportProtocol;
      readonly peer: PeerAddress;
      /** Request method, or the CSeq method of a response. */
      readonly method: string;
      /** Response status; undefined for requests. */
      readonly status?: number;
      readonly cseq: string;
      readonly callId: string;
      readonly message: SipMessage;
    }
  | { readonly kind: 'diagnostic'; readonly transport: SipTransportProtocol; readonly diagnostic: TransportDiagnostic };

export interface UserAgentOptions {
  /** Transports to listen and send on; the first one is the default for URIs without `transport`. */
  readonly transports: readonly SipTransport[];
  /** Our address-of-record, written in From (e.g. `sip:alice@example.com`). */
  readonly localUri: string;
  readonly displayName?: string;
  /**
   * Contact URI to advertise. Default: `sip:<user>@<transport host>:<port>` with `;transport=tcp|tls`
   * for stream transports, computed per transport.
   */
  readonly contact?: string;
  /** Header parameters appended to every Contact we send (feature tags such as +g.3gpp.icsi-ref). */
  readonly contactParams?: Readonly<Record<string, string | null>>;
  /** RFC 3261 §8.1.2: out-of-dialog requests go here with a pre-loaded `Route: <proxy;lr>`. */
  readonly outboundProxy?: SipUri | string;
  /**
   * Digest credentials (RFC 3261 §22, RFC 8760): 401/407 challenges to our requests are answered
   * once each, and the nonce reused on later requests. Without them a challenge is a final answer.
   */
  readonly credentials?: SipCredentials;
  /**
   * RFC 3263 server location for out-of-dialog requests (a `ServerLocator`): the targets to try in
   * order, failing over on 503, timeouts and transport errors. Without one, the URI's host is
   * handed to the transport as it is.
   */
  readonly locator?: SipServerLocator;
  readonly clock?: Clock;
  readonly timers?: Partial<TimerValues>;
  /** Default of InviteOptions.provisionalTimeoutMs for every INVITE of this UA (90 s). */
  readonly inviteProvisionalTimeoutMs?: number;
  /**
   * An INVITE that has had no response at all (not even 100 Trying) this long is reported to its
   * `onNoAnswer` (DEFAULT_NO_ANSWER_NOTICE_MS, 4 s); the transaction keeps going until Timer B.
   * 0 turns the note off.
   */
  readonly noAnswerNoticeMs?: number;
  /**
   * Over UDP, ask the system whether anything listens on the destination port (udp-port-probe.ts)
   * once an INVITE has had no response for T1: an ICMP port unreachable then fails it right away
   * with ERR_SIP_PORT_UNREACHABLE instead of after Timer B. Default true.
   */
  readonly probeUdpPorts?: boolean;
  /** User-Agent (and Server) header value. */
  readonly userAgent?: string;
  /** Option tags we support; a request whose Require lists others gets 420 (RFC 3261 §8.2.2.3). */
  readonly supported?: readonly string[];
  readonly logger?: (event: SipLogEvent) => void;
  /**
   * Extra methods accepted inside a dialog and handed to `delegate.onDialogRequest` (e.g.
   * SUBSCRIBE / NOTIFY reusing the INVITE dialog, RFC 6665 §4.5.2). They are listed in Allow.
   */
  readonly dialogMethods?: readonly string[];
  readonly delegate?: UserAgentDelegate;
}

/** What the UA needs of an RFC 3263 locator (runtime/sip/locate/server-locator.ts implements it). */
export interface SipServerLocator {
  locate(uri: SipUri, available: readonly SipTransportProtocol[]): Promise<readonly LocatedTarget[]>;
}

export interface InviteOptions {
  readonly body?: Buffer | string;
  readonly contentType?: string;
  /** Extra headers (Accept-Contact, P-Preferred-Service, Conversation-ID, Require, ...). */
  readonly headers?: HeaderList;
  /** Display name / URI for To when it should differ from the Request-URI. */
  readonly to?: string;
  /** Called for every provisional response. */
  readonly onProgress?: (response: SipResponse) => void;
  /**
   * How long after its first provisional response the INVITE may stay without a final one before
   * it is CANCELled and fails with ERR_SIP_INVITE_TIMEOUT; default the UA's
   * inviteProvisionalTimeoutMs (DEFAULT_INVITE_PROVISIONAL_TIMEOUT_MS, 90 s); 0 waits for ever.
   */
  readonly provisionalTimeoutMs?: number;
  /** Called once per attempt that has had no response at all after the UA's noAnswerNoticeMs. */
  readonly onNoAnswer?: (note: InviteNoAnswer) => void;
}

/** An INVITE still without any response: where it went and how long it has waited so far. */
export interface InviteNoAnswer {
  readonly target: string;
  readonly transport: SipTransportProtocol;
  readonly destination: PeerAddress;
  readonly waitedMs: number;
  /** How long the transaction goes on waiting before it gives up (Timer B, 64*T1). */
  readonly giveUpAfterMs: number;
}

export type InviteResult =
  /** A 2xx arrived; the ACK has been sent and the dialog is confirmed. */
  | { readonly kind: 'accepted'; readonly dialog: Dialog; readonly response: SipResponse }
  /**
   * A final non-2xx response (a 487 after `cancel()`). When the peer answered 2xx although we had
   * cancelled, the UA ACKs and BYEs it and reports that 2xx here with `cancelled: true`.
   */
  | { readonly kind: 'rejected'; readonly response: SipResponse; readonly cancelled: boolean };

/** The promise of `invite()`, with a `cancel()` that sends CANCEL (RFC 3261 §9.1). */
export interface PendingInvite extends Promise<InviteResult> {
  readonly request: SipRequest;
  /** Cancels the INVITE: at once if a provisional response came, else as soon as one comes. */
  cancel(reason?: string): void;
}

/** A request we answer: an initial INVITE, a re-INVITE. */
export interface IncomingInvite {
  readonly request: SipRequest;
  readonly source: MessageSource;
  /** True once a CANCEL for this INVITE arrived (it has been answered 487). */
  readonly cancelled: boolean;
  /** True once a final response was sent. */
  readonly answered: boolean;
  /** Sends a provisional response (default 180 Ringing). */
  progress(status?: number, reason?: string, headers?: HeaderList): void;
  /** Sends a 200 OK with the body; returns the (new or refreshed) dialog. */
  accept(body?: Buffer | string, contentType?: string, headers?: HeaderList): Dialog;
  /** Sends a final non-2xx response. */
  reject(status: number, reason?: string, headers?: HeaderList): void;
}

/** A non-INVITE request inside a dialog that the application answers (one of `dialogMethods`). */
export interface IncomingDialogRequest {
  readonly request: SipRequest;
  readonly source: MessageSource;
  /** Sends the final response; later calls are ignored. */
  respond(status: number, reason?: string, headers?: HeaderList, body?: Buffer | string, contentType?: string): void;
}

/** What the application (the file-transfer layer) implements. Every hook is optional. */
export interface UserAgentDelegate {
  /** A new INVITE. Without this hook the UA answers 480. */
  onInvite?(incoming: IncomingInvite): void;
  /** A re-INVITE in a dialog. Without this hook the UA answers 488. */
  onReinvite?(dialog: Dialog, incoming: IncomingInvite): void;
  /** The ACK for our 2xx arrived (the dialog is confirmed end to end). */
  onAck?(dialog: Dialog, ack: SipRequest): void;
  /** A BYE ended the dialog (the UA has answered 200). */
  onBye?(dialog: Dialog, request: SipRequest): void;
  /** A CANCEL ended a pending INVITE (the UA has answered 200 and 487). */
  onCancel?(incoming: IncomingInvite, cancel: SipRequest): void;
  /** A dialog ended for another reason (no ACK after 64*T1, 481/408 to an in-dialog request). */
  onDialogTerminated?(dialog: Dialog, reason: string): void;
  /** A request of one of `options.dialogMethods` in a dialog; it must be answered through `respond`. */
  onDialogRequest?(dialog: Dialog, incoming: IncomingDialogRequest): void;
}

export interface InDialogResult {
  readonly response: SipResponse;
}

/** Counts of what a user agent holds (see `UserAgent.held`). */
export interface UserAgentHoldings {
  /** Transactions live and finished; a finished one is a record of its key and serialized copy. */
  readonly transactions: TransactionCounts;
  readonly dialogs: number;
  /** UAS dialogs whose 2xx is retransmitted until the ACK comes (RFC 3261 §13.3.1.4). */
  readonly awaitingAck: number;
  /** Dialogs with ACKs we may have to send again (RFC 3261 §13.2.2.4). */
  readonly sentAcks: number;
  /** INVITEs received and not answered yet. */
  readonly incoming: number;
}

export interface UserAgent {
  readonly options: UserAgentOptions;
  /** Sends an INVITE out of dialog (RFC 3261 §13.2). */
  invite(target: string, options?: InviteOptions): PendingInvite;
  /** Sends a re-INVITE; on 2xx the ACK is sent and the remote target refreshed (RFC 3261 §14.1). */
  reinvite(dialog: Dialog, body?: Buffer | string, contentType?: string, headers?: HeaderList): Promise<InDialogResult>;
  /** Sends BYE; the dialog ends at once (RFC 3261 §15.1.1). Resolves with the final response. */
  bye(dialog: Dialog, headers?: HeaderList): Promise<InDialogResult>;
  /** Sends any non-INVITE request in a dialog (INFO, UPDATE-less OPTIONS, ...). */
  request(dialog: Dialog, method: string, options?: { body?: Buffer | string; contentType?: string; headers?: HeaderList }): Promise<InDialogResult>;
  /**
   * Registers a binding at a registrar (RFC 3261 §10) and keeps it refreshed; call `start()` on the
   * result, `stop()` to unregister. Digest challenges are answered with `options.credentials`.
   */
  register(options: RegistrationOptions): Registration;
  /**
   * Which Request-URIs a new INVITE may carry; others get 404 (RFC 3261 §8.2.2.1). Undefined (the
   * default) accepts every one.
   */
  setRequestUriCheck(check: ((uri: SipUri) => boolean) | undefined): void;
  /** Live dialogs. */
  readonly dialogs: ReadonlyMap<string, Dialog>;
  /** What the UA holds right now: a finished session should leave only slim transaction records. */
  held(): UserAgentHoldings;
  /** Stops every timer. Transports are not closed (their creator owns them). */
  close(): void;
}

