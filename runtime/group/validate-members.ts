// Member-list checks shared by the sender (before it builds a recipient list) and the focus
// (before it fans a session out): empty, unparsable, duplicate, too many.

import { CpmError, fail, ok, type Result } from '../errors.ts';
import { parseSipUri, type SipUri } from '../sip/syntax/sip-uri.ts';
import { groupErrorCodes } from './group-error-codes.ts';

export interface ValidateMembersOptions {
  /** Largest number of members allowed (inclusive). Default: no limit. */
  readonly maxMembers?: number;
}

export interface ValidMember {
  /** The URI as given (trimmed, without surrounding <>). */
  readonly uri: string;
  readonly parsed: SipUri;
}

const verr = (code: string, message: string, index?: number): CpmError =>
  new CpmError(code, message, index === undefined ? {} : { location: { source: 'member-list', line: index + 1 } });

/** Percent-decodes unreserved-looking escapes so `%61lice` and `alice` compare equal (RFC 3261 §19.1.4). */
function decodePercent(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    // Only decode characters that are not URI delimiters, so an escaped ';' stays distinct.
    return /[A-Za-z0-9\-_.!~*'()&=+$,?/]/.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/**
 * A comparison key following RFC 3261 §19.1.4: scheme and host are case-insensitive; user and
 * password are case-sensitive but escapes are equivalent to the characters they encode; an absent
 * port differs from an explicit one; the user, ttl, method, maddr and transport parameters must
 * match when either side has them (values case-insensitive). Other parameters and headers do not
 * take part here: two entries differing only in, say, a `;foo` parameter reach the same user.
 */
export function sipUriComparisonKey(uri: SipUri): string {
  const user = uri.user === undefined ? '' : decodePercent(uri.user);
  const password = uri.password === undefined ? '' : `:${decodePercent(uri.password)}`;
  const port = uri.port === undefined ? '' : `:${uri.port}`;
  const params = ['user', 'ttl', 'method', 'maddr', 'transport']
    .filter((name) => uri.params[name] !== undefined)
    .map((name) => `;${name}=${(uri.params[name] ?? '').toLowerCase()}`)
    .join('');
  return `${uri.scheme}:${user}${password}@${uri.host.toLowerCase()}${port}${params}`;
}

/**
 * Checks a member list. Errors, in the order checked: ERR_GROUP_MEMBERS_EMPTY,
 * ERR_GROUP_MEMBER_URI (first unparsable entry), ERR_GROUP_MEMBER_DUPLICATE (first repeat),
 * ERR_GROUP_MEMBERS_TOO_MANY. The location's `line` is the 1-based index of the offending entry.
 */
export function validateMembers(uris: readonly string[], options: ValidateMembersOptions = {}): Result<ValidMember[]> {
  if (uris.length === 0) return fail(verr(groupErrorCodes.membersEmpty, 'the member list is empty'));
  const members: ValidMember[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of uris.entries()) {
    let uri = raw.trim();
    if (uri.startsWith('<') && uri.endsWith('>')) uri = uri.slice(1, -1).trim();
    // A URI cannot carry white space or controls; parseSipUri is lenient about some of them.
    if (uri.length === 0 || /[\s\u0000-\u001f\u007f<>"]/.test(uri)) {
      return fail(verr(groupErrorCodes.memberUri, `member ${index + 1} is not a valid SIP URI: ${JSON.stringify(raw)}`, index));
    }
    const parsed = parseSipUri(uri);
    if (!parsed.ok) {
      return fail(
        new CpmError(groupErrorCodes.memberUri, `member ${index + 1} is not a valid SIP URI: ${JSON.stringify(raw)} (${parsed.error.message})`, {
          cause: parsed.error,
          location: { source: 'member-list', line: index + 1 },
        }),
      );
    }
    const key = sipUriComparisonKey(parsed.value);
    const first = seen.get(key);
    if (first !== undefined) {
      return fail(verr(groupErrorCodes.memberDuplicate, `member ${index + 1} (${uri}) duplicates member ${first + 1} (${members[first]?.uri ?? ''})`, index));
    }
    seen.set(key, index);
    members.push({ uri, parsed: parsed.value });
  }
  if (options.maxMembers !== undefined && members.length > options.maxMembers) {
    return fail(verr(groupErrorCodes.membersTooMany, `${members.length} members exceed the limit of ${options.maxMembers}`));
  }
  return ok(members);
}
