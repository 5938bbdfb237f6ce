import { CpmError } from '../../errors.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import { peerKey, type MessageSource, type PeerAddress, type SipTransport } from '../transport/sip-transport.ts';
import { FinishedTransaction, FinishedTransactions, wireCopy } from './finished-transaction.ts';
import { InviteClientTransaction } from './invite-client-transaction.ts';
import { InviteServerTransaction } from './invite-server-transaction.ts';
import { NonInviteClientTransaction } from './non-invite-client-transaction.ts';
import { NonInviteServerTransaction } from './non-invite-server-transaction.ts';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction, ServerTransactionUser, TransactionEnv } from './transaction-env.ts';
import { clientTransactionKey, serverTransactionKey } from './transaction-keys.ts';

/** How many transactions of each kind the layer holds, and how many of them are finished records. */
export interface TransactionCounts {
  readonly clients: number;
  readonly servers: number;
  /** Of those, the records of finished transactions (key and serialized copy only). */
  readonly finishedClients: number;
  readonly finishedServers: number;
}

/**
 * Owns the live transactions and routes incoming messages to them (RFC 3261 §17.1.3, §17.2.3).
 * Messages that match nothing are returned to the caller (the UA core). A transaction that has its
 * final response is replaced by its FinishedTransaction record for the rest of its lifetime.
 */
export class TransactionLayer {
  readonly #clients = new Map<string, ClientTransaction>();
  /** Where each live client transaction's request went, for failing them when that path fails. */
  readonly #hops = new Map<ClientTransaction, { readonly transport: SipTransport; readonly destination: string }>();
  readonly #servers = new Map<string, ServerTransaction>();
  readonly #finished: FinishedTransactions;

  constructor(readonly env: TransactionEnv) {
    this.#finished = new FinishedTransactions(env, (record) => {
      const map = record.role.endsWith('client') ? this.#clients : this.#servers;
      if (map.get(record.key) === record) map.delete(record.key);
    });
  }

  /** Starts a client transaction; the request must already carry its top Via with a branch. */
  sendRequest(request: SipRequest, transport: SipTransport, destination: PeerAddress, user: ClientTransactionUser): ClientTransaction {
    const key = clientTransactionKey(request);
    // A caller bug, not wire input (requests from the wire go through createServerTransaction), so a
    // throw is right here; the code lets callers tell it from transport failures.
    if (key === undefined) throw new CpmError('ERR_SIP_INVALID_REQUEST', 'request has no Via branch or CSeq');
    const wrapped: ClientTransactionUser = {
      onResponse: (r) => user.onResponse(r),
      onTimeout: () => user.onTimeout(),
      onTransportError: (e) => user.onTransportError(e),
      onTerminated: () => {
        this.#hops.delete(tx);
        if (this.#clients.get(key) === tx) this.#clients.delete(key);
        user.onTerminated?.();
      },
      onFinished: (record) => {
        this.#hops.delete(tx);
        this.#retire(this.#clients, tx, record, user);
      },
    };
    const tx: ClientTransaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, transport, destination, this.env, wrapped, this.#finished)
        : new NonInviteClientTransaction(key, request, transport, destination, this.env, wrapped, this.#finished);
    if (tx.state !== 'terminated') {
      this.#clients.set(key, tx);
      this.#hops.set(tx, { transport, destination: peerKey(destination) });
    }
    return tx;
  }

  /**
   * RFC 3261 §17.1.4: the transport learnt, after the send, that `destination` refused the
   * connection the requests went over (a TLS peer that rejected our certificate): every live
   * client transaction sent there over `transport` ends with `error` instead of waiting for Timer B/F.
   */
  failClientsTo(transport: SipTransport, destination: PeerAddress, error: CpmError): void {
    const key = peerKey(destination);
    for (const [tx, hop] of [...this.#hops]) if (hop.transport === transport && hop.destination === key) tx.transportFailed(error);
  }

  /**
   * The transaction hands its remaining lifetime to `record`: the map holds the record from now on,
   * and only the TU's own hooks go with it (the wrapper closes over the whole transaction).
   */
  #retire<T extends ClientTransaction | ServerTransaction>(map: Map<string, T>, tx: T, record: FinishedTransaction, user: ClientTransactionUser | ServerTransactionUser): void {
    const { onTerminated } = user;
    const onAckTimeout = 'onAckTimeout' in user ? user.onAckTimeout : undefined;
    if (onTerminated !== undefined || onAckTimeout !== undefined) {
      record.setHooks({
        ...(onTerminated !== undefined ? { ended: () => onTerminated.call(user) } : {}),
        ...(onAckTimeout !== undefined ? { ackTimeout: () => onAckTimeout.call(user) } : {}),
      });
    }
    if (map.get(record.key) === tx) map.set(record.key, record as unknown as T);
  }

  /** Passes a response to its client transaction; false when none matches (a stray response). */
  receiveResponse(response: SipResponse): boolean {
    const key = clientTransactionKey(response);
    const tx = key === undefined ? undefined : this.#clients.get(key);
    if (tx === undefined) return false;
    return tx.receiveResponse(response) !== false;
  }

  /** Whether `response` answers one of our client transactions that is still alive (or its finished record). */
  hasClientTransactionFor(response: SipResponse): boolean {
    const key = clientTransactionKey(response);
    return key !== undefined && this.#clients.has(key);
  }

  /**
   * RFC 3261 §13.2.2.4: the TU sent `ack` for the 2xx `response` to its INVITE; the INVITE's
   * transaction, in Accepted (RFC 6026 Timer M), sends it again for each retransmission of that 2xx.
   */
  rememberAck(response: SipResponse, toTag: string, ack: SipRequest, transport: SipTransport, destination: PeerAddress): void {
    const key = clientTransactionKey(response);
    const tx = key === undefined ? undefined : this.#clients.get(key);
    if (tx instanceof FinishedTransaction) tx.rememberAck(toTag, wireCopy(ack, transport, destination));
  }

  /** The server transaction a request belongs to, if it is a retransmission or an ACK for a non-2xx. */
  findServerTransaction(request: SipRequest, asMethod?: string): ServerTransaction | undefined {
    const key = serverTransactionKey(request, asMethod);
    return key === undefined ? undefined : this.#servers.get(key);
  }

  /** Creates the server transaction for a new request (not for ACK, which never has one). */
  createServerTransaction(request: SipRequest, source: MessageSource, user: ServerTransactionUser = {}): ServerTransaction {
    const key = serverTransactionKey(request) ?? `no-via-${Math.random()}`;
    const wrapped: ServerTransactionUser = {
      onAckTimeout: () => user.onAckTimeout?.(),
      onTransportError: (e) => user.onTransportError?.(e),
      onTerminated: () => {
        if (this.#servers.get(key) === tx) this.#servers.delete(key);
        user.onTerminated?.();
      },
      onFinished: (record) => this.#retire(this.#servers, tx, record, user),
    };
    // Register before construction side effects (the INVITE transaction may send a 100 Trying).
    let tx: ServerTransaction;
    if (request.method === 'INVITE') tx = new InviteServerTransaction(key, request, source, this.env, wrapped, this.#finished);
    else tx = new NonInviteServerTransaction(key, request, source, this.env, wrapped, this.#finished);
    this.#servers.set(key, tx);
    return tx;
  }

  get size(): TransactionCounts {
    let finishedClients = 0;
    let finishedServers = 0;
    for (const tx of this.#clients.values()) if (tx instanceof FinishedTransaction) finishedClients++;
    for (const tx of this.#servers.values()) if (tx instanceof FinishedTransaction) finishedServers++;
    return { clients: this.#clients.size, servers: this.#servers.size, finishedClients, finishedServers };
  }

  /** Every transaction the layer holds, live or finished (for inspection and tests). */
  entries(): { readonly clients: readonly ClientTransaction[]; readonly servers: readonly ServerTransaction[] } {
    return { clients: [...this.#clients.values()], servers: [...this.#servers.values()] };
  }

  /** Stops every timer (UA shutdown). */
  dispose(): void {
    for (const tx of this.#clients.values()) tx.dispose();
    for (const tx of this.#servers.values()) tx.dispose();
    this.#finished.dispose();
    this.#clients.clear();
    this.#hops.clear();
    this.#servers.clear();
  }
}
