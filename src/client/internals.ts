// The parts a client is built from, kept beside it for tests and diagnostics only.

import type { FileTransferReceiver, FileTransferSender, MsrpEndpoint, SipTransport, UserAgent } from '../../runtime/index.ts';
import type { CpmClient } from '../client-types.ts';

/** What a client is made of; for tests and diagnostics (not part of the public API). */
export interface ClientInternals {
  readonly ua: UserAgent;
  readonly transport: SipTransport;
  readonly endpoint: MsrpEndpoint;
  readonly sender: FileTransferSender;
  readonly receivers: readonly FileTransferReceiver[];
}

const internals = new WeakMap<CpmClient, ClientInternals>();

export function rememberInternals(client: CpmClient, parts: ClientInternals): void {
  internals.set(client, parts);
}

export function inspectClient(client: CpmClient): ClientInternals | undefined {
  return internals.get(client);
}
