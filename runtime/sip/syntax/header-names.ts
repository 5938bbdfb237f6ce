// One table for header names: canonical spelling, compact form (RFC 3261 §7.3.3 and the RFCs that
// registered one), and whether a header line may carry a comma-separated list of values (RFC 3261
// §7.3.1: such headers can be combined on one line or split over several, with the same meaning).

interface HeaderInfo {
  readonly canonical: string;
  readonly compact?: string;
  /** True when the header is defined as a comma-separated list, so a line may be split into values. */
  readonly list?: boolean;
}

const table: readonly HeaderInfo[] = [
  // Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds
  { canonical: 'Via', compact: 'v', list: true },
  { canonical: 'From', compact: 'f' },
  { canonical: 'To', compact: 't' },
  { canonical: 'Call-ID', compact: 'i' },
  { canonical: 'CSeq' },
  { canonical: 'Contact', compact: 'm', list: true },
  { canonical: 'Content-Type', compact: 'c' },
  { canonical: 'Content-Length', compact: 'l' },
  { canonical: 'Content-Encoding', compact: 'e', list: true },
  { canonical: 'Subject', compact: 's' },
  { canonical: 'Supported', compact: 'k', list: true },
  // RFC 3515 Refer-To, RFC 3892 Referred-By, RFC 3891 Replaces? (no compact), RFC 4474 Identity
  { canonical: 'Refer-To', compact: 'r' },
  { canonical: 'Referred-By', compact: 'b' },
  { canonical: 'Event', compact: 'o' },
  { canonical: 'Allow-Events', compact: 'u', list: true },
  // RFC 3841 caller preferences
  { canonical: 'Accept-Contact', compact: 'a', list: true },
  { canonical: 'Reject-Contact', compact: 'j', list: true },
  { canonical: 'Request-Disposition', compact: 'd', list: true },
  // RFC 4474 Identity / Identity-Info
  { canonical: 'Identity', compact: 'y' },
  { canonical: 'Identity-Info', compact: 'n' },
  // RFC 4028 Session-Expires
  { canonical: 'Session-Expires', compact: 'x' },
  { canonical: 'Max-Forwards' },
  { canonical: 'Route', list: true },
  { canonical: 'Record-Route', list: true },
  { canonical: 'Path', list: true },
  { canonical: 'Service-Route', list: true },
  { canonical: 'Allow', list: true },
  { canonical: 'Require', list: true },
  { canonical: 'Proxy-Require', list: true },
  { canonical: 'Unsupported', list: true },
  { canonical: 'Accept', list: true },
  { canonical: 'Accept-Encoding', list: true },
  { canonical: 'Accept-Language', list: true },
  { canonical: 'Alert-Info', list: true },
  { canonical: 'Call-Info', list: true },
  { canonical: 'Error-Info', list: true },
  { canonical: 'In-Reply-To', list: true },
  { canonical: 'Warning', list: true },
  { canonical: 'Reason', list: true },
  { canonical: 'Content-Disposition' },
  { canonical: 'Content-ID' },
  { canonical: 'Content-Language', list: true },
  { canonical: 'MIME-Version' },
  { canonical: 'User-Agent' },
  { canonical: 'Server' },
  { canonical: 'Retry-After' },
  { canonical: 'Expires' },
  { canonical: 'Min-Expires' },
  { canonical: 'Timestamp' },
  { canonical: 'Date' },
  { canonical: 'Organization' },
  { canonical: 'Priority' },
  { canonical: 'Reply-To' },
  { canonical: 'WWW-Authenticate' },
  { canonical: 'Proxy-Authenticate' },
  { canonical: 'Authorization' },
  { canonical: 'Proxy-Authorization' },
  { canonical: 'P-Preferred-Service' },
  { canonical: 'P-Asserted-Service' },
  { canonical: 'P-Preferred-Identity', list: true },
  { canonical: 'P-Asserted-Identity', list: true },
  { canonical: 'Conversation-ID' },
  { canonical: 'Contribution-ID' },
  { canonical: 'InReplyTo-Contribution-ID' },
  { canonical: 'RSeq' },
  { canonical: 'RAck' },
];

const byKey = new Map<string, HeaderInfo>();
for (const info of table) {
  byKey.set(info.canonical.toLowerCase(), info);
  if (info.compact !== undefined) byKey.set(info.compact, info);
}

// Every header lookup and every parsed field maps a name to its key and canonical spelling; the
// same few dozen spellings recur in every message, so both answers are remembered (the SIP parser
// bench spent a fifth of its time in these two functions). Bounded: a peer inventing names cannot
// grow the caches past MEMO_LIMIT entries; past it they are cleared and refilled.
const MEMO_LIMIT = 512;
const keyMemo = new Map<string, string>();
const canonicalMemo = new Map<string, string>();
const remember = (memo: Map<string, string>, name: string, value: string): string => {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(name, value);
  return value;
};

/** Lower-case lookup key for a header name, with compact forms expanded (`v` and `Via` -> `via`). */
export function headerKey(name: string): string {
  const known = keyMemo.get(name);
  if (known !== undefined) return known;
  const lower = name.trim().toLowerCase();
  return remember(keyMemo, name, byKey.get(lower)?.canonical.toLowerCase() ?? lower);
}

/** Canonical (full, conventionally capitalised) spelling of a header name. */
export function canonicalHeaderName(name: string): string {
  const known = canonicalMemo.get(name);
  if (known !== undefined) return known;
  return remember(canonicalMemo, name, spellCanonical(name));
}

function spellCanonical(name: string): string {
  const trimmed = name.trim();
  const info = byKey.get(trimmed.toLowerCase());
  if (info !== undefined) return info.canonical;
  // Unknown extension header: capitalise each dash-separated word, as most stacks print them.
  return trimmed
    .split('-')
    .map((w) => (w.length === 0 ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join('-');
}

/** Whether values of this header may be split at top-level commas. */
export function isListHeader(name: string): boolean {
  return byKey.get(headerKey(name))?.list === true;
}
