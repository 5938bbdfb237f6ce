import { CpmError, fail, ok, type Result } from '../errors.ts';

/** An MSRP or MSRPS URI (RFC 4975 §6, ABNF in §9). */
export interface MsrpUri {
  readonly scheme: 'msrp' | 'msrps';
  /** userinfo, kept for formatting but ignored in comparisons (§6.1). */
  readonly user?: string;
  /** Host as written; IPv6 references keep their brackets. */
  readonly host: string;
  readonly port?: number;
  readonly sessionId?: string;
  /** `tcp` in practice; other tokens are kept for extensions. */
  readonly transport: string;
  /** Extra `;name[=value]` parameters, in order, without the leading `;`. */
  readonly params: readonly string[];
}

// RFC 4975 §9: MSRP-URI = msrp-scheme "://" authority ["/" session-id] ";" transport *(";" URI-parameter)
// The authority is an RFC 3986 authority; the session-id allows unreserved characters plus "+", "=", "/".
const URI_RE =
  /^(msrps?):\/\/(?:([^@/;\s]*)@)?(\[[0-9A-Fa-f:.]+\]|[^:/;\s[\]@]+)(?::(\d{1,5}))?(?:\/([A-Za-z0-9\-._~+=/%]+))?;([A-Za-z0-9\-.!%*_+`'~]+)((?:;[^;\s]+)*)$/i;

export function parseMsrpUri(text: string): Result<MsrpUri> {
  const m = URI_RE.exec(text.trim());
  if (!m) return fail(new CpmError('ERR_MSRP_URI', `not an MSRP URI: ${JSON.stringify(text)}`, { location: { source: 'msrp' } }));
  const [, scheme = '', user, host = '', port, sessionId, transport = '', rest = ''] = m;
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && portNumber > 65535) {
    return fail(new CpmError('ERR_MSRP_URI', `port out of range in ${JSON.stringify(text)}`));
  }
  const uri: MsrpUri = {
    scheme: scheme.toLowerCase() as 'msrp' | 'msrps',
    host,
    transport,
    params: rest === '' ? [] : rest.slice(1).split(';'),
    ...(user === undefined ? {} : { user }),
    ...(portNumber === undefined ? {} : { port: portNumber }),
    ...(sessionId === undefined ? {} : { sessionId }),
  };
  return ok(uri);
}

export function formatMsrpUri(uri: MsrpUri): string {
  const user = uri.user === undefined ? '' : `${uri.user}@`;
  const port = uri.port === undefined ? '' : `:${uri.port}`;
  const sid = uri.sessionId === undefined ? '' : `/${uri.sessionId}`;
  const params = uri.params.map((p) => `;${p}`).join('');
  return `${uri.scheme}://${user}${uri.host}${port}${sid};${uri.transport}${params}`;
}

// RFC 4975 §6.1 comparison: scheme and host ignore case; a port must be present in both or
// neither and then be equal; the session id is compared exactly and must be present in both
// or neither; transports must match (case-insensitively, they are tokens); userinfo and
// other parameters do not take part. No DNS: a name never equals an address.
export function msrpUriEquals(a: MsrpUri, b: MsrpUri): boolean {
  return (
    a.scheme === b.scheme &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.port === b.port &&
    a.sessionId === b.sessionId &&
    a.transport.toLowerCase() === b.transport.toLowerCase()
  );
}

/** RFC 4975 §9 To-Path / From-Path / Use-Path value: URIs separated by spaces. */
export function parseMsrpPath(value: string): Result<MsrpUri[]> {
  const parts = value.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length === 0) return fail(new CpmError('ERR_MSRP_URI', 'empty MSRP path'));
  const uris: MsrpUri[] = [];
  for (const part of parts) {
    const r = parseMsrpUri(part);
    if (!r.ok) return r;
    uris.push(r.value);
  }
  return ok(uris);
}

export function formatMsrpPath(path: readonly MsrpUri[]): string {
  return path.map(formatMsrpUri).join(' ');
}

/** Two paths are the same hop list when they have equal length and pairwise equal URIs. */
export function msrpPathEquals(a: readonly MsrpUri[], b: readonly MsrpUri[]): boolean {
  return a.length === b.length && a.every((u, i) => { const v = b[i]; return v !== undefined && msrpUriEquals(u, v); });
}
