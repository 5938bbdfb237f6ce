import type { CpmError } from '../../errors.ts';
import type { SipMessage } from '../syntax/sip-message.ts';

export const sipTransportProtocols = ['UDP', 'TCP', 'TLS'] as const;
export type SipTransportProtocol = (typeof sipTransportProtocols)[number];

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Where a message came from: the peer address and the transport (and connection) it arrived on. */
export interface MessageSource extends PeerAddress {
  readonly transport: SipTransport;
  /** Stream transports: the connection the message arrived on (responses go back over it). */
  readonly connectionId?: string;
}

/**
 * Things a transport reports that are not messages: parse failures, connection errors, and
 * exceptions thrown by the application's callbacks (`callback-error`; the stack keeps serving).
 */
export interface TransportDiagnostic {
  readonly kind: 'parse-error' | 'connection-error' | 'rejected-message' | 'callback-error';
  readonly peer?: PeerAddress;
  readonly code?: string;
  readonly message: string;
  /** For rejected-message: the status sent back (400, 413, 513, 505). */
  readonly status?: number;
}

export type SipMessageHandler = (message: SipMessage, source: MessageSource) => void;

/**
 * A SIP transport (RFC 3261 §18). Implementations parse incoming bytes, stamp received/rport on
 * requests (§18.2.1, RFC 3581), answer unparsable requests with 400 themselves, and hand parsed
 * messages to the handler. Higher layers (transactions, UA core) implement the handler.
 */
export interface SipTransport {
  readonly protocol: SipTransportProtocol;
  /** Reliable transports need no retransmissions (RFC 3261 §17.1.1.2). */
  readonly reliable: boolean;
  /** TLS: requests for sips: URIs may use it. */
  readonly secure: boolean;
  /** The bound local address (port 0 resolved to the real port). */
  readonly local: PeerAddress;
  /** The host to write in Via sent-by and Contact (defaults to the bound host). */
  readonly advertisedHost: string;
  /** Sends one message; stream transports reuse a connection to the peer or open one. */
  send(message: SipMessage, destination: PeerAddress): Promise<void>;
  /**
   * Stream transports: an RFC 5626 §4.4.1 keep-alive on the connection to `destination` (a double
   * CRLF "ping"); resolves true when the single CRLF "pong" comes back within `timeoutMs`, false
   * when it does not or there is no open connection (the connection is then closed as dead).
   */
  ping?(destination: PeerAddress, timeoutMs: number): Promise<boolean>;
  /** Stream transports: whether a connection with `peer` (accepted or dialled) is open for writing now. */
  hasConnection?(peer: PeerAddress): boolean;
  /** Sets the receiver of parsed messages (one per transport; the UA core). */
  onMessage(handler: SipMessageHandler): void;
  onDiagnostic(handler: (diagnostic: TransportDiagnostic) => void): void;
  /**
   * Stream transports: a connection we opened to `destination` was refused after our requests went
   * over it (a TLS peer that rejected our certificate: an alert, or a close before it sent anything).
   */
  onConnectionRefused?(handler: (destination: PeerAddress, error: CpmError) => void): void;
  close(): Promise<void>;
}

export const peerKey = (peer: PeerAddress): string => `${peer.host.includes(':') ? `[${peer.host}]` : peer.host}:${peer.port}`;

/** Default port for a transport when a URI or Via gives none (RFC 3261 §19.1.2, §18.2.2). */
export const defaultPort = (protocol: SipTransportProtocol): number => (protocol === 'TLS' ? 5061 : 5060);
