import type { CpmError } from '../../errors.ts';
import { createRequest, type SipRequest, type SipResponse } from '../syntax/sip-message.ts';
import { SipHeaders } from '../syntax/sip-headers.ts';
import { parseCSeq } from '../syntax/cseq.ts';
import type { PeerAddress, SipTransport } from '../transport/sip-transport.ts';
import type { ClientTransaction, ClientTransactionUser, TransactionEnv, TransactionState } from './transaction-env.ts';
import { TransactionLifecycle, transportError } from './transaction-lifecycle.ts';
import { FinishedTransaction, wireCopy, type FinishedTransactions } from './finished-transaction.ts';

/** RFC 3261 §17.1.1 INVITE client transaction, with the Accepted state of RFC 6026 §7.2. */
export class InviteClientTransaction implements ClientTransaction {
  readonly #life: TransactionLifecycle;
  /** Set once the final response came: the record that lives out Timer M or D. */
  #finished: FinishedTransaction | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    private readonly transport: SipTransport,
    private readonly destination: PeerAddress,
    private readonly env: TransactionEnv,
    private readonly user: ClientTransactionUser,
    private readonly finished: FinishedTransactions,
  ) {
    this.#life = new TransactionLifecycle('calling', env.clock, () => user.onTerminated?.());
    const { T1 } = env.timers;
    this.#send(request);
    // §17.1.1.2: over an unreliable transport, retransmit after T1, doubling each time (Timer A).
    if (!transport.reliable) this.#armA(T1);
    // §17.1.1.2: Timer B (64*T1) bounds the wait for any response in Calling.
    this.#life.start('B', 64 * T1, () => this.#onTimerB());
  }

  get state(): TransactionState {
    return this.#finished?.state ?? this.#life.state;
  }

  #armA(interval: number): void {
    this.#life.start('A', interval, () => {
      if (this.#life.state !== 'calling') return;
      this.#send(this.request);
      this.#armA(interval * 2);
    });
  }

  #onTimerB(): void {
    // §17.1.1.2: Timer B firing in Calling means the transaction timed out; the TU is told.
    if (this.#life.state !== 'calling') return;
    this.#life.terminate();
    this.user.onTimeout();
  }

  receiveResponse(response: SipResponse): boolean {
    if (this.#finished !== undefined) return this.#finished.receiveResponse(response);
    const status = response.status;
    switch (this.#life.state) {
      case 'calling':
      case 'proceeding':
        // §17.1.1.2: any response stops retransmissions. Timer B only bounds Calling, so it
        // stops too: in Proceeding the TU may CANCEL instead.
        this.#life.stop('A', 'B');
        if (status < 200) {
          // §17.1.1.2: a provisional response moves to Proceeding.
          this.#life.enter('proceeding');
          this.user.onResponse(response);
        } else if (status < 300) {
          // RFC 6026 §7.2: a 2xx moves to Accepted until Timer M (64*T1) fires; the TU (not the
          // transaction) ACKs it and hands that ACK to the record (`rememberAck`), which sends it
          // again for each retransmission of the 2xx, as the TU would (§13.2.2.4).
          this.#finish('accepted', undefined, 64 * this.env.timers.T1);
          this.user.onResponse(response);
        } else {
          // §17.1.1.2: a 300-699 response is ACKed by the transaction itself, passed up, and the
          // transaction waits in Completed (Timer D, 32 s on unreliable transports) to absorb
          // retransmissions of the final response.
          // The record keeps the key and the serialized ACK only.
          const ack = buildAckForNon2xx(this.request, response);
          this.#send(ack);
          this.#finish('completed', wireCopy(ack, this.transport, this.destination), this.transport.reliable ? 0 : Math.max(32_000, 64 * this.env.timers.T1));
          this.user.onResponse(response);
        }
        return true;
      default:
        return true;
    }
  }

  #finish(state: 'accepted' | 'completed', ack: ReturnType<typeof wireCopy> | undefined, lifetimeMs: number): void {
    this.#life.dispose();
    const record = new FinishedTransaction(this.key, 'invite-client', state, this.finished, ack);
    this.#finished = record;
    this.finished.expireAfter(record, lifetimeMs);
    this.user.onFinished?.(record);
  }

  #send(message: SipRequest): void {
    this.env.send(message, this.transport, this.destination).catch((err: unknown) => {
      // §17.1.4: a transport failure is reported to the TU and ends the transaction.
      if (this.#finished === undefined && this.#life.terminate()) this.user.onTransportError(transportError(err));
    });
  }

  transportFailed(error: CpmError): void {
    // §17.1.4: as a failed send: the transaction ends and the TU hears of it once (a finished one
    // has its final response already).
    if (this.#finished === undefined && this.#life.terminate()) this.user.onTransportError(error);
  }

  dispose(): void {
    this.#life.dispose();
    this.#finished?.dispose();
  }
}

/**
 * RFC 3261 §17.1.1.3: the ACK for a non-2xx final response reuses the INVITE's Request-URI,
 * Call-ID, From, CSeq number and its top Via only (same branch), takes To from the response (with
 * the tag), copies the INVITE's Route headers, and has CSeq method ACK.
 */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const via = invite.headers.get('Via');
  if (via !== undefined) headers.append('Via', via);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  headers.append('From', invite.headers.get('From') ?? '');
  headers.append('To', response.headers.get('To') ?? invite.headers.get('To') ?? '');
  headers.append('Call-ID', invite.headers.get('Call-ID') ?? '');
  const cseq = parseCSeq(invite.headers.get('CSeq') ?? '');
  headers.append('CSeq', `${cseq.ok ? cseq.value.seq : 1} ACK`);
  return createRequest('ACK', invite.uri, headers);
}
