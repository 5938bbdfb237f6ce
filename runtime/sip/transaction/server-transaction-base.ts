import type { SipResponse } from '../syntax/sip-message.ts';
import { responseDestination } from '../transport/stamp-received.ts';
import type { MessageSource, PeerAddress } from '../transport/sip-transport.ts';
import type { ServerTransactionUser, TransactionEnv } from './transaction-env.ts';
import { transportError } from './transaction-lifecycle.ts';

/**
 * Where a response goes, as RFC 3261 §18.2.2 says: on a stream back to the connection the request
 * came on; on datagrams to `received`/`rport` of the top Via (falling back to the packet source).
 */
export function responseTarget(source: MessageSource, response: SipResponse): PeerAddress {
  const to = source.transport.reliable ? source : (responseDestination(response.headers.get('Via') ?? '') ?? source);
  return { host: to.host, port: to.port };
}

/** Sends a response to its `responseTarget`; a failed send is reported to the TU. */
export function sendResponse(env: TransactionEnv, source: MessageSource, response: SipResponse, user: ServerTransactionUser, to: PeerAddress = responseTarget(source, response)): void {
  env.send(response, source.transport, to).catch((err: unknown) => {
    user.onTransportError?.(transportError(err));
  });
}
