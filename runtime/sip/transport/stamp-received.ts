import type { SipMessage } from '../syntax/sip-message.ts';
import { formatVia } from '../syntax/via.ts';
import { parseViaShared } from '../syntax/top-via-cache.ts';
import type { PeerAddress } from './sip-transport.ts';

/**
 * RFC 3261 §18.2.1: when the top Via's sent-by host differs from the packet's source address, the
 * server adds `received` with the source address. RFC 3581 §4: if the Via carries an empty `rport`,
 * the server fills it with the source port and adds `received` even when the addresses agree.
 * Returns false when the top Via cannot be parsed (the request is then malformed).
 */
export function stampReceived(message: SipMessage, source: PeerAddress): boolean {
  if (message.kind !== 'request') return true;
  const top = message.headers.get('Via');
  if (top === undefined) return false;
  const via = parseViaShared(top);
  if (!via.ok) return false;
  const params = { ...via.value.params };
  const hasRport = 'rport' in params;
  if (hasRport || via.value.host.toLowerCase() !== source.host.toLowerCase()) params['received'] = source.host;
  if (hasRport) params['rport'] = String(source.port);
  message.headers.setFirst('Via', formatVia({ ...via.value, params }));
  return true;
}

/**
 * RFC 3261 §18.2.2 for unreliable transports (with RFC 3581 §4): a response goes to the address in
 * `received` (or the sent-by host), to the port in `rport` when set, else the sent-by port, else 5060.
 * `maddr` multicast replies are not supported.
 */
export function responseDestination(topVia: string): PeerAddress | undefined {
  const via = parseViaShared(topVia);
  if (!via.ok) return undefined;
  const received = via.value.params['received'];
  const rport = via.value.params['rport'];
  const host = received ?? via.value.host;
  const port = rport !== undefined && rport !== null && /^\d+$/.test(rport) ? Number(rport) : (via.value.port ?? (via.value.transport === 'TLS' ? 5061 : 5060));
  return { host, port };
}
