import { CpmError, fail, ok, type Result } from '../../errors.ts';
import { formatParams, parseParams, quote, splitOutsideQuotes, unquote, type SipParams } from './parse-params.ts';

/**
 * RFC 3261 §20.10/§20.20/§20.39 (Contact, From, To), §25.1:
 * ( name-addr / addr-spec ) *( SEMI param ), name-addr = [ display-name ] LAQUOT addr-spec RAQUOT.
 * In the addr-spec form the parameters after the URI belong to the header, not the URI.
 */
export interface NameAddr {
  readonly displayName?: string;
  /** The URI as written, any scheme (sip, sips, tel, urn, ...). */
  readonly uri: string;
  /** Header parameters (tag, expires, q, feature tags ...), names lower-case. */
  readonly params: SipParams;
}

export function parseNameAddr(text: string): Result<NameAddr> {
  const value = text.trim();
  const lt = indexOutsideQuotes(value, '<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0) return fail(new CpmError('ERR_SIP_PARSE', `unterminated <...> in ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
    const display = value.slice(0, lt).trim();
    const uri = value.slice(lt + 1, gt).trim();
    if (uri.length === 0) return fail(new CpmError('ERR_SIP_PARSE', `empty URI in ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
    return ok({
      ...(display.length > 0 ? { displayName: unquote(display) } : {}),
      uri,
      params: parseParams(value.slice(gt + 1)),
    });
  }
  // addr-spec: the URI itself cannot contain ';' params here, by the rule above.
  const [uri = '', ...rest] = splitOutsideQuotes(value, ';');
  if (!/^[A-Za-z][A-Za-z0-9+\-.]*:\S+$/.test(uri.trim())) {
    return fail(new CpmError('ERR_SIP_PARSE', `invalid address ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
  }
  return ok({ uri: uri.trim(), params: parseParams(rest.join(';')) });
}

/** Always writes the name-addr form, which is unambiguous whatever the URI contains. */
export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName === undefined ? '' : `${quote(addr.displayName)} `;
  return `${display}<${addr.uri}>${formatParams(addr.params)}`;
}

function indexOutsideQuotes(text: string, ch: string): number {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === ch) return i;
  }
  return -1;
}
