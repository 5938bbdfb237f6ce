import { CpmError, fail, ok, type Result } from '../../errors.ts';
import { formatParams, parseParams, unquote, type SipParams } from './parse-params.ts';

/** RFC 3261 §20.15 / RFC 2045: media-type = m-type SLASH m-subtype *(SEMI m-parameter). */
export interface MediaType {
  /** Lower-case type, e.g. `multipart`. */
  readonly type: string;
  /** Lower-case subtype, e.g. `mixed`. */
  readonly subtype: string;
  /** Parameters with quotes removed. */
  readonly params: Readonly<Record<string, string>>;
}

export function parseMediaType(text: string): Result<MediaType> {
  const [essence = '', ...rest] = text.split(';');
  const m = /^\s*([A-Za-z0-9!#$&^_.+\-]+)\s*\/\s*([A-Za-z0-9!#$&^_.+\-]+)\s*$/.exec(essence);
  if (m === null) return fail(new CpmError('ERR_SIP_PARSE', `invalid media type ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
  const raw: SipParams = parseParams(rest.join(';'));
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) params[k] = v === null ? '' : unquote(v);
  return ok({ type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), params });
}

export function formatMediaType(mt: MediaType): string {
  const params: SipParams = {};
  // Quote values that are not tokens (a boundary may contain spaces or punctuation).
  for (const [k, v] of Object.entries(mt.params)) params[k] = /^[A-Za-z0-9!#$&^_.+\-]+$/.test(v) ? v : `"${v}"`;
  return `${mt.type}/${mt.subtype}${formatParams(params)}`;
}
