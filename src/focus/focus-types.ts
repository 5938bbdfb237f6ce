// Public types of the minimal group focus (src/focus).

import type { SipLogEvent } from '../../runtime/index.ts';

export type FocusTransport = 'udp' | 'tcp';

export interface FocusOptions {
  readonly sip: { readonly host: string; readonly port: number; readonly transport: FocusTransport };
  /** Pre-defined groups: group URI → member URIs (CPM 7.4.1.2). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Conference factory URI for ad-hoc lists (CPM 7.4.1.1); without it ad-hoc INVITEs get 404. */
  readonly factoryUri?: string;
  /** Most members one session may fan out to. */
  readonly maxMembers: number;
  /**
   * Every member INVITE (and other out-of-dialog request) goes through this SIP proxy (sip:HOST:PORT),
   * e.g. the Kamailio edge that knows where each member is. Default: straight to the member's URI.
   */
  readonly outboundProxy?: string;
  /** Address for the focus's MSRP listener. Default: the SIP host. */
  readonly msrpHost?: string;
  /** How long a member may take to answer before its INVITE is cancelled. Default 30 s. */
  readonly legAnswerTimeoutMs?: number;
  /** Bytes buffered per member leg before the sender is paused. Default 256 KiB. */
  readonly relayHighWaterMark?: number;
  /**
   * The sender is answered as soon as one member accepts; a file's bytes are kept, up to this many,
   * for members still being invited, so they get the whole file if they accept later. Past it the
   * sender is paused until those members answer. Default 16 MiB (shared by all waiting members).
   */
  readonly waitingMemberBufferBytes?: number;
  /** SIP timer base values (RFC 3261 §17.1.1.1: T1 500, T2 4000, T4 5000 ms); Timer B is 64*T1. */
  readonly sipTimers?: { readonly T1?: number; readonly T2?: number; readonly T4?: number };
  /** MSRP transaction timeout on the legs. Default 30 s. */
  readonly msrpTransactionTimeoutMs?: number;
  /** The sender's MSRP connection must be up this long after its ACK, else the session ends. Default 30 s. */
  readonly msrpSetupTimeoutMs?: number;
  /** A session without MSRP traffic from the sender this long is ended. Default 60 s. */
  readonly idleTimeoutMs?: number;
  readonly onEvent?: (event: FocusEvent) => void;
  readonly sipLogger?: (event: SipLogEvent) => void;
}

/** What the focus did, as data (the CLI prints these; tests assert on them). */
export type FocusEvent =
  | { readonly type: 'request-rejected'; readonly requestUri: string; readonly status: number; readonly code: string; readonly warning: string }
  | { readonly type: 'session-started'; readonly session: string; readonly kind: 'ad-hoc' | 'predefined-group'; readonly target: string; readonly originator: string; readonly members: readonly string[] }
  | { readonly type: 'leg-answered'; readonly session: string; readonly member: string; readonly status: number; readonly acceptedMedia: readonly number[] }
  | { readonly type: 'session-answered'; readonly session: string; readonly status: number; readonly acceptedMedia: readonly number[] }
  | { readonly type: 'file-relayed'; readonly session: string; readonly media: number; readonly member: string; readonly delivered: boolean; readonly status?: number; readonly reason?: string }
  | { readonly type: 'file-completed'; readonly session: string; readonly media: number; readonly delivered: readonly string[]; readonly failed: readonly string[] }
  | { readonly type: 'icon-relayed'; readonly session: string; readonly media: number; readonly iconType: string; readonly bytes: number }
  | { readonly type: 'icon-refused'; readonly session: string; readonly media: number; readonly reason: string }
  | { readonly type: 'reoffer'; readonly session: string; readonly closed: readonly number[]; readonly added: readonly number[] }
  | { readonly type: 'leg-ended'; readonly session: string; readonly member: string; readonly reason: string }
  | { readonly type: 'session-ended'; readonly session: string; readonly reason: string };

export interface Focus {
  readonly sipAddress: { readonly host: string; readonly port: number; readonly transport: FocusTransport };
  readonly factoryUri: string | undefined;
  /** The pre-defined groups served now (those given at start, or the last `setGroups`). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Replaces the pre-defined groups for new sessions (sessions in progress keep their members). */
  setGroups(groups: Readonly<Record<string, readonly string[]>>): void;
  /** Group sessions in progress. */
  readonly activeSessions: number;
  /** Ends every session (BYE both ways) and closes the sockets. */
  close(): Promise<void>;
}
