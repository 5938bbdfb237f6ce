// --transport: the SIP transports the client can bind (RFC 3261 §18: UDP and TCP are mandatory, TLS for sips).
import { fail, ok, type Result } from '../../runtime/index.ts';
import type { SipTransportName } from '../client-types.ts';

export const sipTransports = ['udp', 'tcp', 'tls'] as const satisfies readonly SipTransportName[];

export function parseTransport(text: string | undefined, allowed: readonly SipTransportName[] = sipTransports): Result<SipTransportName, string> {
  if (text === undefined) return ok('udp');
  const found = allowed.find((name) => name === text.toLowerCase());
  return found === undefined ? fail(`--transport expects ${allowed.join('|')}, got '${text}'`) : ok(found);
}
