import { CpmError, fail, ok, type Result } from '../../errors.ts';
import { formatParams, parseParams, type SipParams } from './parse-params.ts';

/** RFC 3261 §19.1.1 SIP-URI / SIPS-URI. */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  /** Host name, IPv4 address, or IPv6 address without the brackets. */
  readonly host: string;
  readonly port?: number;
  /** uri-parameters (transport, lr, maddr, user, ...); names lower-case, valueless ones null. */
  readonly params: SipParams;
  /** `?name=value&...` headers, still percent-encoded. */
  readonly headers: Readonly<Record<string, string>>;
}

const uerr = (message: string): CpmError => new CpmError('ERR_SIP_PARSE', message, { location: { source: 'sip-uri' } });

/**
 * SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ] (RFC 3261 §19.1.1, §25.1).
 * Accepts the URI with or without surrounding <...>.
 */
export function parseSipUri(text: string): Result<SipUri> {
  let rest = text.trim();
  if (rest.startsWith('<') && rest.endsWith('>')) rest = rest.slice(1, -1).trim();
  const colon = rest.indexOf(':');
  if (colon < 0) return fail(uerr(`not a URI: ${JSON.stringify(text)}`));
  const scheme = rest.slice(0, colon).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') {
    return fail(new CpmError('ERR_SIP_URI_SCHEME', `unsupported URI scheme ${scheme}`, { location: { source: 'sip-uri' } }));
  }
  rest = rest.slice(colon + 1);

  // headers: "?" header *( "&" header )
  const headers: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      headers[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
    }
    rest = rest.slice(0, q);
  }

  // userinfo ends at the last "@" (an unescaped "@" cannot appear in user or password).
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = pc < 0 ? userinfo : userinfo.slice(0, pc);
    if (pc >= 0) password = userinfo.slice(pc + 1);
    if (user.length === 0) return fail(uerr(`empty user part in ${JSON.stringify(text)}`));
  }

  // hostport = host [ ":" port ], host = hostname / IPv4address / IPv6reference
  const semi = rest.indexOf(';', rest.startsWith('[') ? rest.indexOf(']') : 0);
  const hostport = semi < 0 ? rest : rest.slice(0, semi);
  const params = semi < 0 ? {} : parseParams(rest.slice(semi));
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return fail(uerr(`unterminated IPv6 reference in ${JSON.stringify(text)}`));
    host = hostport.slice(1, close);
    if (!/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(':')) return fail(uerr(`invalid IPv6 reference [${host}]`));
    const after = hostport.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) return fail(uerr(`junk after IPv6 reference in ${JSON.stringify(text)}`));
      portText = after.slice(1);
    }
  } else {
    const pc = hostport.indexOf(':');
    host = pc < 0 ? hostport : hostport.slice(0, pc);
    if (pc >= 0) portText = hostport.slice(pc + 1);
    if (!/^[A-Za-z0-9\-._]+$/.test(host)) return fail(uerr(`invalid host ${JSON.stringify(host)}`));
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return fail(uerr(`invalid port ${JSON.stringify(portText)}`));
    port = Number(portText);
  }
  return ok({
    scheme,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    host,
    ...(port !== undefined ? { port } : {}),
    params,
    headers,
  });
}

/** Writes a SIP URI (without angle brackets). IPv6 hosts get their brackets back. */
export function formatSipUri(uri: SipUri): string {
  const userinfo = uri.user === undefined ? '' : `${uri.user}${uri.password === undefined ? '' : `:${uri.password}`}@`;
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  const port = uri.port === undefined ? '' : `:${uri.port}`;
  const hdrs = Object.entries(uri.headers);
  const headers = hdrs.length === 0 ? '' : `?${hdrs.map(([k, v]) => `${k}=${v}`).join('&')}`;
  return `${uri.scheme}:${userinfo}${host}${port}${formatParams(uri.params)}${headers}`;
}

/** A copy of `uri` with some fields changed (params merged; a null-valued key is a flag param). */
export function withSipUri(uri: SipUri, changes: Partial<Omit<SipUri, 'params'>> & { params?: SipParams }): SipUri {
  return { ...uri, ...changes, params: { ...uri.params, ...(changes.params ?? {}) } };
}

/** Whether a URI text uses a scheme this stack can route (sip or sips). */
export function isSipScheme(text: string): boolean {
  return /^\s*<?\s*sips?:/i.test(text);
}
