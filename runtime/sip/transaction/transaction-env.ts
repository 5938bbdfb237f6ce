import type { Clock } from '../../clock.ts';
import type { CpmError } from '../../errors.ts';
import type { SipMessage, SipResponse, SipRequest } from '../syntax/sip-message.ts';
import type { PeerAddress, SipTransport } from '../transport/sip-transport.ts';
import type { FinishedTransaction } from './finished-transaction.ts';

/** RFC 3261 §17.1.1.1 / Table 4: T1 (RTT estimate), T2 (max non-INVITE retransmit interval), T4 (max network lifetime). */
export interface TimerValues {
  readonly T1: number;
  readonly T2: number;
  readonly T4: number;
}

export const defaultTimerValues: TimerValues = { T1: 500, T2: 4000, T4: 5000 };

/** What a transaction needs from its surroundings. Owned by the transaction layer. */
export interface TransactionEnv {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** Every (re)transmission goes through here, so the UA can log it. */
  readonly send: (message: SipMessage, transport: SipTransport, destination: PeerAddress) => Promise<void>;
}

export const transactionStates = ['calling', 'trying', 'proceeding', 'completed', 'accepted', 'confirmed', 'terminated'] as const;
export type TransactionState = (typeof transactionStates)[number];

/** The transaction user of a client transaction (the UA core), RFC 3261 §17.1. */
export interface ClientTransactionUser {
  onResponse(response: SipResponse): void;
  /** Timer B or F fired: no final response arrived (the TU treats it as a 408). */
  onTimeout(): void;
  onTransportError(error: CpmError): void;
  onTerminated?(): void;
  /**
   * The transaction has its final response and hands the rest of its lifetime to `record` (see
   * finished-transaction.ts); the transaction layer keeps the record instead of the transaction.
   */
  onFinished?(record: FinishedTransaction): void;
}

/** The transaction user of a server transaction, RFC 3261 §17.2. */
export interface ServerTransactionUser {
  /** INVITE server: Timer H fired without an ACK for a non-2xx final response. */
  onAckTimeout?(): void;
  onTransportError?(error: CpmError): void;
  onTerminated?(): void;
  /** As ClientTransactionUser.onFinished. */
  onFinished?(record: FinishedTransaction): void;
}

/** A client transaction, live or finished (a finished one holds no request). */
export interface ClientTransaction {
  readonly key: string;
  readonly state: TransactionState;
  /** False when the response is not the transaction's to handle (a forked 2xx in Accepted). */
  receiveResponse(response: SipResponse): boolean | void;
  /**
   * RFC 3261 §17.1.4: the transport failed (e.g. an ICMP error learnt outside the send itself):
   * the transaction ends and its user is told, unless it had already ended.
   */
  transportFailed(error: CpmError): void;
  /** Stops every timer and drops the transaction (UA shutdown). */
  dispose(): void;
}

/** A server transaction, live or finished (a finished one holds no request and no parsed response). */
export interface ServerTransaction {
  readonly key: string;
  readonly state: TransactionState;
  /** A retransmission of the request (or, for INVITE, an ACK) matched this transaction. */
  receiveRequest(request: SipRequest): void;
  /** Sends a response from the TU. */
  respond(response: SipResponse): void;
  dispose(): void;
}
