import { CpmError, fail, ok, type Result } from '../../errors.ts';
import { headerKey, isListHeader } from './header-names.ts';
import { SipHeaders, type SipHeaderField } from './sip-headers.ts';
import { SIP_VERSION, type SipMessage } from './sip-message.ts';
import { ownBytes } from './own-bytes.ts';
import { splitHeaderValues } from './split-header-values.ts';

/** Resource limits for one message. Defaults are generous for SIP yet bounded. */
export interface SipParseLimits {
  /** Longest header line after unfolding, in bytes. */
  readonly maxHeaderLineLength: number;
  /** Most header fields (after list splitting). */
  readonly maxHeaderCount: number;
  /** Largest whole message (start line + headers + body), in bytes. */
  readonly maxMessageSize: number;
  /** Largest body, in bytes. */
  readonly maxBodySize: number;
}

export const defaultSipParseLimits: SipParseLimits = {
  maxHeaderLineLength: 8 * 1024,
  maxHeaderCount: 256,
  maxMessageSize: 256 * 1024,
  maxBodySize: 192 * 1024,
};

export interface SipParseOptions {
  readonly limits?: Partial<SipParseLimits>;
  /**
   * Stream framing (TCP/TLS, RFC 3261 §18.3): Content-Length is mandatory and bytes beyond it are an
   * error. For datagrams a missing Content-Length means "the rest of the datagram".
   */
  readonly stream?: boolean;
  /** Skip the check for the mandatory headers of RFC 3261 §8.1.1 (for fragments in tests). */
  readonly skipMandatoryCheck?: boolean;
}

const perr = (code: string, message: string, line?: number, column?: number, offset?: number): CpmError =>
  new CpmError(code, message, { location: { source: 'sip', line, column, offset } });

/** Where the header section ends: index of the blank line and the index where the body starts. */
export function findHeaderEnd(buf: Buffer, from = 0): { headerEnd: number; bodyStart: number } | undefined {
  // RFC 3261 §7: the header section ends with an empty line (CRLF CRLF). Bare LF line ends are
  // accepted too, as several deployed stacks and hand-written test tools emit them.
  for (let i = buf.indexOf(0x0a, from); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a) return { headerEnd: i, bodyStart: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { headerEnd: i, bodyStart: i + 3 };
  }
  return undefined;
}

// RFC 3261 §7.3.1 / §25.1: the whitespace around header values is LWS, i.e. SP and HTAB only.
// String#trim is wrong here: on latin1-decoded bytes it also strips 0xA0 (NBSP), which is the last
// byte of the UTF-8 of characters such as 'à' or '†'.
// Index loops rather than a regex, whose `[ \t]+$` is quadratic on long inner runs of spaces.
const isLws = (s: string, i: number): boolean => s[i] === ' ' || s[i] === '\t';
function trimLwsEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isLws(s, end - 1)) end--;
  return s.slice(0, end);
}
function trimLws(s: string): string {
  let begin = 0;
  while (begin < s.length && isLws(s, begin)) begin++;
  return trimLwsEnd(s.slice(begin));
}

interface RawLine {
  readonly text: string;
  readonly line: number;
  readonly offset: number;
}

/** Splits the header section into logical lines, unfolding continuation lines (RFC 3261 §7.3.1). */
function unfold(head: string, maxLine: number): Result<RawLine[]> {
  const physical = head.split('\n');
  const out: { text: string; line: number; offset: number }[] = [];
  let offset = 0;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!.endsWith('\r') ? physical[i]!.slice(0, -1) : physical[i]!;
    const startOffset = offset;
    offset += physical[i]!.length + 1;
    if (raw.length === 0) continue;
    // A line starting with whitespace continues the previous header value (folding, LWS).
    if ((raw[0] === ' ' || raw[0] === '\t') && out.length > 1) {
      const last = out[out.length - 1]!;
      last.text = `${trimLwsEnd(last.text)} ${trimLws(raw)}`;
      if (last.text.length > maxLine) return fail(perr('ERR_SIP_HEADER_TOO_LONG', `header line longer than ${maxLine} bytes`, last.line, 1, last.offset));
      continue;
    }
    if (raw.length > maxLine) return fail(perr('ERR_SIP_HEADER_TOO_LONG', `header line longer than ${maxLine} bytes`, i + 1, 1, startOffset));
    out.push({ text: raw, line: i + 1, offset: startOffset });
  }
  return ok(out);
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const NON_ASCII = /[\x80-\xff]/;

/**
 * Header text decoded as latin1 (one character per byte) read again as UTF-8, invalid sequences
 * becoming U+FFFD. Pure ASCII (nearly every header) decodes to itself: no round trip through a
 * Buffer. Error messages quote peer bytes this way too: their latin1 form would show UTF-8 as
 * mojibake and stray bytes 0x80-0x9F as C1 control characters.
 */
export function utf8(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}
/** A piece of latin1-decoded header text quoted for an error message. */
export const quoteBytes = (s: string): string => JSON.stringify(utf8(s));

/**
 * RFC 3261 §7 generic-message: start-line *message-header CRLF [message-body]. Parses one complete
 * message from `buf`. Never throws: problems come back as a located CpmError with a code from
 * `sipErrorCodes`.
 */
export function parseSipMessage(buf: Buffer, options: SipParseOptions = {}): Result<SipMessage> {
  const limits = { ...defaultSipParseLimits, ...options.limits };
  if (buf.length > limits.maxMessageSize) return fail(perr('ERR_SIP_MESSAGE_TOO_LARGE', `message of ${buf.length} bytes exceeds ${limits.maxMessageSize}`));
  // Leading CRLFs before a message are keep-alives / padding (RFC 3261 §7.5) and are skipped.
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const end = findHeaderEnd(buf, start);
  let headText: string;
  let bodyStart: number;
  if (end === undefined) {
    // A datagram may end right after the last header without the blank line; a stream may not.
    if (options.stream) return fail(perr('ERR_SIP_PARSE', 'header section is not terminated by an empty line'));
    headText = buf.subarray(start).toString('latin1');
    bodyStart = buf.length;
  } else {
    headText = buf.subarray(start, end.headerEnd).toString('latin1');
    bodyStart = end.bodyStart;
  }
  // Header bytes are decoded as latin1 so byte offsets equal string offsets; values are then
  // re-decoded as UTF-8 (RFC 3261 allows UTF-8 in display names and reason phrases).
  const lines = unfold(headText, limits.maxHeaderLineLength);
  if (!lines.ok) return lines;
  const [first, ...rest] = lines.value;
  if (first === undefined) return fail(perr('ERR_SIP_PARSE', 'empty message', 1, 1, start));

  const fields: SipHeaderField[] = [];
  for (const line of rest) {
    const colon = line.text.indexOf(':');
    if (colon <= 0) return fail(perr('ERR_SIP_PARSE', `header line without a name and colon: ${quoteBytes(line.text.slice(0, 40))}`, line.line, 1, start + line.offset));
    // RFC 3261 §7.3.1 allows whitespace between the name and the colon.
    const name = trimLws(line.text.slice(0, colon));
    if (!TOKEN.test(name)) return fail(perr('ERR_SIP_PARSE', `invalid header name ${quoteBytes(name)}`, line.line, 1, start + line.offset));
    const value = utf8(trimLws(line.text.slice(colon + 1)));
    const key = headerKey(name);
    // Contact: `*` is a single value; otherwise it is a list like the others.
    const values = key === 'contact' ? (value.trim() === '*' ? ['*'] : splitHeaderValues(value))
      : isListHeader(name) ? splitHeaderValues(value) : [value];
    for (const v of values.length === 0 ? [''] : values) fields.push({ name, value: v });
    if (fields.length > limits.maxHeaderCount) return fail(perr('ERR_SIP_TOO_MANY_HEADERS', `more than ${limits.maxHeaderCount} header fields`, line.line, 1, start + line.offset));
  }
  const headers = new SipHeaders(fields);

  // Body length: RFC 3261 §18.3 / §20.14.
  const clValue = headers.get('Content-Length');
  const available = buf.length - bodyStart;
  let bodyLength: number;
  if (clValue === undefined) {
    if (options.stream) return fail(perr('ERR_SIP_CONTENT_LENGTH', 'Content-Length is mandatory on a stream transport'));
    bodyLength = available;
  } else {
    if (!/^\d+$/.test(clValue.trim())) return fail(perr('ERR_SIP_CONTENT_LENGTH', `invalid Content-Length ${JSON.stringify(clValue)}`));
    bodyLength = Number(clValue.trim());
    // One message, one length (RFC 3261 §7.3.1): duplicates that disagree are refused, whichever
    // one an intermediary framed by.
    const all = headers.getAll('Content-Length');
    if (all.some((v) => !/^\d+$/.test(v.trim()) || Number(v.trim()) !== bodyLength)) return fail(perr('ERR_SIP_CONTENT_LENGTH', `conflicting Content-Length headers ${all.map((v) => JSON.stringify(v.trim())).join(', ')}`));
    // A datagram shorter than its Content-Length is truncated and must be rejected; extra bytes
    // after the declared body are ignored (RFC 3261 §18.3).
    if (bodyLength > available) return fail(perr('ERR_SIP_CONTENT_LENGTH', `Content-Length ${bodyLength} exceeds the ${available} body bytes received`));
  }
  if (bodyLength > limits.maxBodySize) return fail(perr('ERR_SIP_BODY_TOO_LARGE', `body of ${bodyLength} bytes exceeds ${limits.maxBodySize}`));
  // A copy, so the message does not keep the datagram or stream buffer alive, in memory of its own
  // (own-bytes.ts: a pooled copy would pin a shared slab for as long as the transaction holds it).
  const body = ownBytes(buf.subarray(bodyStart, bodyStart + bodyLength));

  const startLine = first.text;
  let message: SipMessage;
  if (startLine.startsWith('SIP/')) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const m = /^(SIP\/\d+\.\d+)[ \t]+(\d{3})(?:[ \t]+(.*))?$/.exec(startLine);
    if (m === null) return fail(perr('ERR_SIP_PARSE', `invalid status line ${quoteBytes(startLine.slice(0, 60))}`, first.line, 1, start));
    if (m[1] !== SIP_VERSION) return fail(perr('ERR_SIP_VERSION', `unsupported version ${m[1]}`, first.line, 1, start));
    const status = Number(m[2]);
    if (status < 100 || status > 699) return fail(perr('ERR_SIP_PARSE', `status code ${status} out of range`, first.line, 9, start + 8));
    message = { kind: 'response', status, reason: utf8(trimLws(m[3] ?? '')), version: SIP_VERSION, headers, body };
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version (tolerating runs of whitespace)
    const parts = trimLws(startLine).split(/[ \t]+/);
    if (parts.length !== 3) return fail(perr('ERR_SIP_PARSE', `invalid request line ${quoteBytes(startLine.slice(0, 60))}`, first.line, 1, start));
    const [method, latin1Uri, version] = parts as [string, string, string];
    // The Request-URI is kept as text the way the serializer writes it: UTF-8, like the reason
    // phrase. Keeping the latin1 form would re-encode every byte >= 0x80 on each round trip.
    const uri = utf8(latin1Uri);
    if (!TOKEN.test(method)) return fail(perr('ERR_SIP_PARSE', `invalid method ${quoteBytes(method)}`, first.line, 1, start));
    if (!/^[A-Za-z][A-Za-z0-9+\-.]*:/.test(uri)) return fail(perr('ERR_SIP_PARSE', `invalid Request-URI ${JSON.stringify(uri)}`, first.line, method.length + 2, start + method.length + 1));
    if (!/^SIP\/\d+\.\d+$/i.test(version)) return fail(perr('ERR_SIP_PARSE', `invalid SIP version ${quoteBytes(version)}`, first.line, 1, start));
    if (version.toUpperCase() !== SIP_VERSION) return fail(perr('ERR_SIP_VERSION', `unsupported version ${version}`, first.line, 1, start));
    message = { kind: 'request', method, uri, version: SIP_VERSION, headers, body };
  }

  if (!options.skipMandatoryCheck) {
    // RFC 3261 §8.1.1: every request carries To, From, CSeq, Call-ID, Max-Forwards and Via; responses
    // keep all of them but Max-Forwards. Max-Forwards is not enforced (many stacks omit it in
    // responses and some in ACK), the others are needed to match transactions and dialogs.
    for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
      if (!headers.has(name)) return fail(perr('ERR_SIP_MISSING_HEADER', `missing mandatory header ${name}`));
    }
    const cseq = /^\s*(\d+)\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(headers.get('CSeq') ?? '');
    if (cseq === null) return fail(perr('ERR_SIP_PARSE', `invalid CSeq ${JSON.stringify(headers.get('CSeq'))}`));
    // RFC 3261 §8.2: the CSeq method must equal the request method.
    if (message.kind === 'request' && cseq[2] !== message.method) return fail(perr('ERR_SIP_PARSE', `CSeq method ${cseq[2]} does not match ${message.method}`));
  }
  return ok(message);
}
