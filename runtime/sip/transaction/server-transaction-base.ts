import type { SipResponse } from '../syntax/sip-message.ts';
import { responseDestination } from '../transport/stamp-received.ts';
import type { MessageSource } from '../transport/sip-transport.ts';
import type { ServerTransactionUser, TransactionEnv } from './transaction-env.ts';
import { transportError } from './transaction-lifecycle.ts';

/**
 * Sends a response the way RFC 3261 §18.2.2 says: on a stream back to the connection the request
 * came on; on datagrams to `received`/`rport` of the top Via (falling back to the packet source).
 */
export function sendResponse(env: TransactionEnv, source: MessageSource, response: SipResponse, user: ServerTransactionUser): void {
  const to = source.transport.reliable ? source : (responseDestination(response.headers.get('Via') ?? '') ?? source);
  env.send(response, source.transport, { host: to.host, port: to.port }).catch((err: unknown) => {
    user.onTransportError?.(transportError(err));
  });
}
