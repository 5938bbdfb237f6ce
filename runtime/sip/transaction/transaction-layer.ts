import { CpmError } from '../../errors.ts';
import type { SipRequest, SipResponse } from '../syntax/sip-message.ts';
import type { MessageSource, PeerAddress, SipTransport } from '../transport/sip-transport.ts';
import { InviteClientTransaction } from './invite-client-transaction.ts';
import { InviteServerTransaction } from './invite-server-transaction.ts';
import { NonInviteClientTransaction } from './non-invite-client-transaction.ts';
import { NonInviteServerTransaction } from './non-invite-server-transaction.ts';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction, ServerTransactionUser, TransactionEnv } from './transaction-env.ts';
import { clientTransactionKey, serverTransactionKey } from './transaction-keys.ts';

/**
 * Owns the live transactions and routes incoming messages to them (RFC 3261 §17.1.3, §17.2.3).
 * Messages that match nothing are returned to the caller (the UA core).
 */
export class TransactionLayer {
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerTransaction>();

  constructor(readonly env: TransactionEnv) {}

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
        if (this.#clients.get(key) === tx) this.#clients.delete(key);
        user.onTerminated?.();
      },
    };
    const tx: ClientTransaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, transport, destination, this.env, wrapped)
        : new NonInviteClientTransaction(key, request, transport, destination, this.env, wrapped);
    if (tx.state !== 'terminated') this.#clients.set(key, tx);
    return tx;
  }

  /** Passes a response to its client transaction; false when none matches (a stray response). */
  receiveResponse(response: SipResponse): boolean {
    const key = clientTransactionKey(response);
    const tx = key === undefined ? undefined : this.#clients.get(key);
    if (tx === undefined) return false;
    tx.receiveResponse(response);
    return true;
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
    };
    // Register before construction side effects (the INVITE transaction may send a 100 Trying).
    let tx: ServerTransaction;
    if (request.method === 'INVITE') tx = new InviteServerTransaction(key, request, source, this.env, wrapped);
    else tx = new NonInviteServerTransaction(key, request, source, this.env, wrapped);
    this.#servers.set(key, tx);
    return tx;
  }

  get size(): { clients: number; servers: number } {
    return { clients: this.#clients.size, servers: this.#servers.size };
  }

  /** Stops every timer (UA shutdown). */
  dispose(): void {
    for (const tx of this.#clients.values()) tx.dispose();
    for (const tx of this.#servers.values()) tx.dispose();
    this.#clients.clear();
    this.#servers.clear();
  }
}
