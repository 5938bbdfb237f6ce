import { CpmError, fail, ok, type Result } from '../../errors.ts';
import { formatParams, parseParams, type SipParams } from './parse-params.ts';

/** RFC 3261 §20.42: via-parm = sent-protocol LWS sent-by *( SEMI via-params ). */
export interface Via {
  readonly protocol: string;
  readonly version: string;
  /** UDP, TCP, TLS, SCTP, WS... upper-case. */
  readonly transport: string;
  /** sent-by host (IPv6 without brackets). */
  readonly host: string;
  readonly port?: number;
  /** branch, received, rport, maddr, ttl...; rport without value is null (RFC 3581). */
  readonly params: SipParams;
}

/** RFC 3261 §8.1.1.7: branches from RFC 3261 stacks start with this magic cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export function parseVia(text: string): Result<Via> {
  const m = /^\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(.*)$/s.exec(text);
  if (m === null) return fail(new CpmError('ERR_SIP_PARSE', `invalid Via ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
  const rest = m[4]!.trim();
  let host: string;
  let after: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return fail(new CpmError('ERR_SIP_PARSE', `invalid Via sent-by ${JSON.stringify(rest)}`, { location: { source: 'sip' } }));
    host = rest.slice(1, close);
    after = rest.slice(close + 1);
  } else {
    const hm = /^([A-Za-z0-9\-._]+)/.exec(rest);
    if (hm === null) return fail(new CpmError('ERR_SIP_PARSE', `invalid Via sent-by ${JSON.stringify(rest)}`, { location: { source: 'sip' } }));
    host = hm[1]!;
    after = rest.slice(host.length);
  }
  let port: number | undefined;
  const pm = /^\s*:\s*(\d{1,5})/.exec(after);
  if (pm !== null) {
    port = Number(pm[1]);
    after = after.slice(pm[0].length);
  }
  after = after.trim();
  if (after.length > 0 && !after.startsWith(';')) return fail(new CpmError('ERR_SIP_PARSE', `junk in Via ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
  return ok({
    protocol: m[1]!.toUpperCase(),
    version: m[2]!,
    transport: m[3]!.toUpperCase(),
    host,
    ...(port !== undefined ? { port } : {}),
    params: parseParams(after),
  });
}

export function formatVia(via: Via): string {
  const host = via.host.includes(':') ? `[${via.host}]` : via.host;
  return `${via.protocol}/${via.version}/${via.transport} ${host}${via.port === undefined ? '' : `:${via.port}`}${formatParams(via.params)}`;
}

/** The branch parameter, if any. */
export const viaBranch = (via: Via): string | undefined => via.params['branch'] ?? undefined;

/** sent-by as `host:port` (default port per transport) for transaction matching (RFC 3261 §17.2.3). */
export function viaSentBy(via: Via): string {
  const port = via.port ?? (via.transport === 'TLS' ? 5061 : 5060);
  return `${via.host.toLowerCase()}:${port}`;
}
