import { CpmError, fail, ok, type Result } from '../errors.ts';
import { parseNameAddr } from './syntax/name-addr.ts';
import type { SipRequest } from './syntax/sip-message.ts';
import { parseSipUri } from './syntax/sip-uri.ts';
import { defaultPort, type PeerAddress, type SipTransport, type SipTransportProtocol } from './transport/sip-transport.ts';

export interface NextHop {
  readonly transport: SipTransport;
  readonly destination: PeerAddress;
}

/**
 * RFC 3261 §8.1.2: a request goes to the URI of its first Route header when it has one, else to
 * its Request-URI. RFC 3263 §4.1 picks the transport from the URI's `transport` parameter (sips
 * means TLS); without one we use the first configured transport. Port defaults to 5060/5061.
 * TODO(RFC 3263): no NAPTR/SRV lookups; host names go to the OS resolver as-is.
 */
export function resolveNextHop(request: SipRequest, transports: readonly SipTransport[], preferred?: SipTransport): Result<NextHop> {
  const route = request.headers.get('Route');
  let target = request.uri;
  if (route !== undefined) {
    const addr = parseNameAddr(route);
    if (!addr.ok) return addr;
    target = addr.value.uri;
  }
  const uri = parseSipUri(target);
  if (!uri.ok) return uri;
  const param = uri.value.params['transport'];
  let wanted: SipTransportProtocol | undefined;
  if (uri.value.scheme === 'sips' || param?.toLowerCase() === 'tls') wanted = 'TLS';
  else if (param?.toLowerCase() === 'tcp') wanted = 'TCP';
  else if (param?.toLowerCase() === 'udp') wanted = 'UDP';
  const transport =
    wanted === undefined
      ? (preferred ?? transports[0])
      : preferred?.protocol === wanted
        ? preferred
        : transports.find((t) => t.protocol === wanted);
  if (transport === undefined) {
    return fail(new CpmError('ERR_SIP_NO_TRANSPORT', `no ${wanted ?? 'SIP'} transport configured to reach ${target}`));
  }
  const host = uri.value.params['maddr'] ?? uri.value.host;
  return ok({ transport, destination: { host: host ?? uri.value.host, port: uri.value.port ?? defaultPort(transport.protocol) } });
}
