import { CpmError, fail, ok, type Result } from '../errors.ts';
import { parseNameAddr } from './syntax/name-addr.ts';
import type { SipRequest } from './syntax/sip-message.ts';
import { formatSipUri, parseSipUri, type SipUri } from './syntax/sip-uri.ts';
import { defaultPort, type PeerAddress, type SipTransport, type SipTransportProtocol } from './transport/sip-transport.ts';

export interface NextHop {
  readonly transport: SipTransport;
  readonly destination: PeerAddress;
}

/** RFC 3261 §8.1.2: a request goes to the URI of its first Route header when it has one, else to its Request-URI. */
export function requestTarget(request: SipRequest): Result<SipUri> {
  const route = request.headers.get('Route');
  let target = request.uri;
  if (route !== undefined) {
    const addr = parseNameAddr(route);
    if (!addr.ok) return addr;
    target = addr.value.uri;
  }
  return parseSipUri(target);
}

/**
 * The one next hop of a request when no RFC 3263 locator is configured (uac-attempts.ts uses the
 * locator otherwise): RFC 3263 §4.1 picks the transport from the target's `transport` parameter (sips
 * means TLS); without one we use the first configured transport. Port defaults to 5060/5061; host
 * names go to the OS resolver as-is.
 */
export function resolveNextHop(request: SipRequest, transports: readonly SipTransport[], preferred?: SipTransport): Result<NextHop> {
  const uri = requestTarget(request);
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
    return fail(new CpmError('ERR_SIP_NO_TRANSPORT', `no ${wanted ?? 'SIP'} transport configured to reach ${formatSipUri(uri.value)}`));
  }
  const host = uri.value.params['maddr'] ?? uri.value.host;
  return ok({ transport, destination: { host: host ?? uri.value.host, port: uri.value.port ?? defaultPort(transport.protocol) } });
}
