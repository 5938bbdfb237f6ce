// Value codecs for the RFC 5547 file-transfer attributes. The generated SDP builders name a codec
// per attribute (or per selector part) and call `format` / `parse`; this table is the single
// place where the text form of each value kind is defined. Parsing is lenient (forms seen in the
// wild), formatting is strict (the RFC 5547 grammar).
//
// A codec's text is exactly what follows `key:` in a selector part, or the whole attribute value.

import { CpmError, fail, ok, type Result } from '../errors.ts';
export type { SdpAttribute } from './sdp-attribute.ts';

export interface ValueCodec<T> {
  readonly name: string;
  /** Strict wire form. Throws a CpmError (ERR_SDP_VALUE) for a value that has no wire form. */
  format(value: T): string;
  /** Lenient parse of the wire form. */
  parse(text: string): Result<T>;
}

/** A hash as carried in `hash:`; `digest` is uppercase hex pairs joined by ':' (RFC 4572 §5 syntax). */
export interface FileHash {
  algorithm: string;
  digest: string;
}

/** RFC 5547 file-range: 1-based, inclusive; `stop` '*' means "to the end of the file". */
export interface FileRange {
  start: number;
  stop: number | '*';
}

const valueError = (codec: string, message: string, text?: string): CpmError =>
  new CpmError('ERR_SDP_VALUE', `${codec}: ${message}${text === undefined ? '' : ` in ${JSON.stringify(text)}`}`);

// ---------------------------------------------------------------------------------------------
// Percent-encoding of quoted strings.

// RFC 5547 §6 filename-string: any byte but NUL, CR, LF, DQUOTE and '%' may appear raw; those five
// must be percent-encoded. We also encode the other C0 controls and DEL so that what we emit is
// printable and survives SDP line handling.
const mustEncode = (code: number): boolean => code < 0x20 || code === 0x22 || code === 0x25 || code === 0x7f;

export function percentEncodeQuoted(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += mustEncode(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');
const hexValue = (byte: number | undefined): number => {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
};

/**
 * RFC 5547 §6 percent-encoded = "%" HEXDIG HEXDIG, an encoded byte. The bytes are reassembled and
 * read as UTF-8, so `%C3%A9` and a raw `é` decode alike. A '%' not followed by two hex digits is
 * kept as a literal (lenient: some stacks never encode it).
 * One pass over the text's UTF-8 bytes: '%' and hex digits are ASCII, so they are found in the
 * bytes where they were in the text, and everything else is copied as it is (a lone surrogate
 * becoming U+FFFD's bytes, as in any UTF-8 encoding of it).
 */
export function percentDecodeQuoted(text: string): string {
  if (!text.includes('%')) return text;
  const bytes = utf8Encoder.encode(text);
  let out = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x25) {
      const high = hexValue(bytes[i + 1]);
      const low = high < 0 ? -1 : hexValue(bytes[i + 2]);
      if (low >= 0) {
        bytes[out++] = high * 16 + low;
        i += 2;
        continue;
      }
    }
    bytes[out++] = byte;
  }
  return utf8Decoder.decode(bytes.subarray(0, out));
}

// ---------------------------------------------------------------------------------------------
// quoted-string: DQUOTE filename-string DQUOTE (RFC 5547 §6 filename-selector).

const quotedString: ValueCodec<string> = {
  name: 'quoted-string',
  format(value) {
    return `"${percentEncodeQuoted(value)}"`;
  },
  parse(text) {
    // Lenient: a missing pair of quotes is accepted (some stacks write name:foo.txt).
    if (text.startsWith('"')) {
      if (text.length < 2 || !text.endsWith('"')) return fail(valueError('quoted-string', 'unterminated quote', text));
      const inner = text.slice(1, -1);
      if (inner.includes('"')) return fail(valueError('quoted-string', 'raw double quote inside', text));
      return ok(percentDecodeQuoted(inner));
    }
    if (text.length === 0) return fail(valueError('quoted-string', 'empty value'));
    return ok(percentDecodeQuoted(text));
  },
};

// ---------------------------------------------------------------------------------------------
// token (RFC 4566 §9 token-char): used by file-transfer-id and file-disposition.

const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;

const token: ValueCodec<string> = {
  name: 'token',
  format(value) {
    if (!TOKEN.test(value)) throw valueError('token', 'not a token', value);
    return value;
  },
  parse(text) {
    const trimmed = text.trim();
    return TOKEN.test(trimmed) ? ok(trimmed) : fail(valueError('token', 'not a token', text));
  },
};

// ---------------------------------------------------------------------------------------------
// integer (RFC 5547 filesize-value, RFC 4566 integer): non-negative decimal.

const integer: ValueCodec<number> = {
  name: 'integer',
  format(value) {
    if (!Number.isSafeInteger(value) || value < 0) throw valueError('integer', `not a non-negative integer: ${value}`);
    return String(value);
  },
  parse(text) {
    const trimmed = text.trim();
    if (!/^[0-9]+$/.test(trimmed)) return fail(valueError('integer', 'not a decimal integer', text));
    const value = Number(trimmed);
    return Number.isSafeInteger(value) ? ok(value) : fail(valueError('integer', 'too large', text));
  },
};

// ---------------------------------------------------------------------------------------------
// mime-type: RFC 5547 filetype-selector value, type "/" subtype *(";" attribute "=" DQUOTE value DQUOTE).
// The in-memory form is an ordinary RFC 2045 content type (`text/plain;charset=utf-8`, parameter
// values as tokens or backslash-quoted strings); on the wire RFC 5547 wants every parameter value
// in double quotes with the filename-string percent-encoding instead of backslashes.

export interface MimeType {
  type: string;
  subtype: string;
  parameters: Array<readonly [name: string, value: string]>;
}

const MIME_TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;
// One character of a token. A module constant: a regular-expression literal inside the scanning
// loop made a new RegExp object per character scanned (~4 KB of garbage per offer or answer parsed).
const MIME_TOKEN_CHAR = /[!#$%&'*+\-.^_`{|}~0-9A-Za-z]/;

/**
 * Splits `type/subtype; a=b; c="d e"`. In 'rfc2045' mode a backslash escapes the next character
 * inside quotes; in 'rfc5547' mode quoted bodies are percent-decoded instead.
 */
function splitMime(text: string, mode: 'rfc2045' | 'rfc5547'): MimeType | string {
  let i = 0;
  const skipSpace = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < text.length && MIME_TOKEN_CHAR.test(text[i] as string)) i++;
    return text.slice(start, i);
  };
  skipSpace();
  const type = readToken();
  if (type === '' || text[i] !== '/') return 'expected type/subtype';
  i++;
  const subtype = readToken();
  if (subtype === '') return 'expected a subtype';
  const parameters: Array<readonly [string, string]> = [];
  skipSpace();
  while (i < text.length) {
    if (text[i] !== ';') return `unexpected ${JSON.stringify(text[i])}`;
    i++;
    skipSpace();
    if (i >= text.length) break; // trailing ';' tolerated
    const name = readToken();
    if (name === '' || text[i] !== '=') return 'expected attribute=value';
    i++;
    let value: string;
    if (text[i] === '"') {
      let close = i + 1;
      while (close < text.length && text[close] !== '"') close += mode === 'rfc2045' && text[close] === '\\' ? 2 : 1;
      if (close >= text.length) return 'unterminated quoted parameter';
      const body = text.slice(i + 1, close);
      value = mode === 'rfc2045' ? body.replace(/\\(.)/g, '$1') : percentDecodeQuoted(body);
      i = close + 1;
    } else {
      value = readToken();
      if (value === '') return 'empty parameter value';
    }
    parameters.push([name, value]);
    skipSpace();
  }
  return { type, subtype, parameters };
}

const rfc2045Value = (value: string): string =>
  MIME_TOKEN.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;

export function parseMimeType(text: string): Result<MimeType> {
  const parsed = splitMime(text, 'rfc2045');
  return typeof parsed === 'string' ? fail(valueError('mime-type', parsed, text)) : ok(parsed);
}

export function formatMimeType(mime: MimeType): string {
  return `${mime.type}/${mime.subtype}${mime.parameters.map(([n, v]) => `;${n}=${rfc2045Value(v)}`).join('')}`;
}

const mimeType: ValueCodec<string> = {
  name: 'mime-type',
  format(value) {
    const parsed = parseMimeType(value);
    if (!parsed.ok) throw parsed.error;
    const { type, subtype, parameters } = parsed.value;
    return `${type}/${subtype}${parameters.map(([n, v]) => `;${n}="${percentEncodeQuoted(v)}"`).join('')}`;
  },
  parse(text) {
    // Lenient: unquoted token values and spaces around ';' are accepted as well.
    const parsed = splitMime(text, 'rfc5547');
    return typeof parsed === 'string' ? fail(valueError('mime-type', parsed, text)) : ok(formatMimeType(parsed));
  },
};

// ---------------------------------------------------------------------------------------------
// hash: RFC 5547 hash-selector value, hash-algorithm ":" hash-value, the value written as in
// RFC 4572 §5 (each byte as two uppercase hex digits, bytes separated by ':').

const HASH_LENGTHS: Record<string, number> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64, md5: 16, md2: 16 };
// Legacy spellings seen in the wild (sha1:, SHA-1:) map to the registry's textual names.
const normaliseAlgorithm = (name: string): string => {
  const lower = name.toLowerCase();
  return /^sha\d+$/.test(lower) ? `sha-${lower.slice(3)}` : lower;
};

/** Turns raw digest bytes into the RFC 4572 form `AB:CD:...`. */
export function formatHashDigest(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

const hash: ValueCodec<FileHash> = {
  name: 'hash',
  format(value) {
    const algorithm = normaliseAlgorithm(value.algorithm);
    if (!TOKEN.test(algorithm)) throw valueError('hash', 'algorithm is not a token', value.algorithm);
    if (!/^[0-9A-F]{2}(:[0-9A-F]{2})*$/.test(value.digest)) throw valueError('hash', 'digest must be uppercase hex pairs joined by ":"', value.digest);
    return `${algorithm}:${value.digest}`;
  },
  parse(text) {
    const colon = text.indexOf(':');
    if (colon <= 0) return fail(valueError('hash', 'expected algorithm:value', text));
    const algorithm = normaliseAlgorithm(text.slice(0, colon));
    const raw = text.slice(colon + 1).trim();
    // Lenient: lowercase hex, and the digest written without separators.
    let pairs: string[];
    if (/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/.test(raw)) pairs = raw.split(':');
    else if (/^([0-9A-Fa-f]{2})+$/.test(raw)) pairs = raw.match(/../g) ?? [];
    else return fail(valueError('hash', 'digest is not hex pairs', text));
    const expected = HASH_LENGTHS[algorithm];
    if (expected !== undefined && pairs.length !== expected) {
      return fail(valueError('hash', `${algorithm} digest must be ${expected} bytes, got ${pairs.length}`, text));
    }
    return ok({ algorithm, digest: pairs.join(':').toUpperCase() });
  },
};

// ---------------------------------------------------------------------------------------------
// date-time: RFC 5547 file-date parameters carry an RFC 5322 §3.3 date-time in double quotes,
// with a numeric zone. We emit `"Thu, 01 Jan 2009 10:00:00 +0000"`; we read RFC 5322 dates with
// or without quotes (including obsolete zone names) and, leniently, unquoted ISO-8601.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 5322 §4.3 obs-zone: the US zone names; military letters carry no reliable offset (-0000).
const ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };
const RFC5322 = /^(?:[A-Za-z]{3}\s*,\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})?$/;
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?)?$/;

function utcDate(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offsetMinutes: number): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms);
  // Reject 31 Feb and friends: Date.UTC silently rolls them over.
  if (new Date(local).getUTCDate() !== d) return null;
  return new Date(local - offsetMinutes * 60_000);
}

const parseOffset = (zone: string): number => {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[+:-]/g, '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
};

export function parseDateTime(text: string): Date | null {
  const s = text.trim();
  const m = RFC5322.exec(s);
  if (m) {
    const [, d, mon, yr, h, mi, sec, zone] = m;
    const month = MONTHS.indexOf((mon as string).toLowerCase()) + 1;
    if (month === 0) return null;
    let year = Number(yr);
    // RFC 5322 §4.3 obs-year: two digits are 19xx/20xx, three digits are 1900 + n.
    if ((yr as string).length === 2) year += year < 50 ? 2000 : 1900;
    else if ((yr as string).length === 3) year += 1900;
    let offset = 0;
    if (zone !== undefined) {
      if (/^[+-]/.test(zone)) offset = parseOffset(zone);
      else offset = ZONES[zone.toLowerCase()] ?? 0;
    }
    return utcDate(year, month, Number(d), Number(h), Number(mi), Number(sec ?? 0), 0, offset);
  }
  const iso = ISO8601.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, sec, frac, zone] = iso;
    const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
    // An ISO date without a zone is taken as UTC so the result does not depend on the host.
    const offset = zone === undefined || /^z$/i.test(zone) ? 0 : parseOffset(zone);
    return utcDate(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), ms, offset);
  }
  return null;
}

/** RFC 5322 §3.3 date-time in UTC with the numeric zone RFC 5547 asks for. */
export function formatDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw valueError('date-time', 'invalid Date');
  // toUTCString is exactly `Thu, 01 Jan 2009 10:00:00 GMT` for four-digit years.
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) throw valueError('date-time', `year ${year} out of range`);
  return date.toUTCString().replace(/ GMT$/, ' +0000');
}

const dateTime: ValueCodec<Date> = {
  name: 'date-time',
  format(value) {
    return `"${formatDateTime(value)}"`;
  },
  parse(text) {
    const inner = text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
    const date = parseDateTime(inner);
    return date === null ? fail(valueError('date-time', 'not an RFC 5322 or ISO-8601 date-time', text)) : ok(date);
  },
};

// ---------------------------------------------------------------------------------------------
// cid-url: RFC 5547 file-icon value, an RFC 2392 §2 `cid:` URL naming a body part's Content-ID.
// The value is the whole URL; cidToContentId/contentIdToCid convert to the MIME header form.

const CID = /^cid:([^\s<>"]+)$/i;

const cidUrl: ValueCodec<string> = {
  name: 'cid-url',
  format(value) {
    const m = CID.exec(value);
    if (!m) throw valueError('cid-url', 'expected cid:<content-id>', value);
    return `cid:${m[1] as string}`;
  },
  parse(text) {
    const m = CID.exec(text.trim());
    return m ? ok(`cid:${m[1] as string}`) : fail(valueError('cid-url', 'expected cid:<content-id>', text));
  },
};

/** RFC 2392 §2: the URL carries the Content-ID without angle brackets, percent-encoded. */
export function cidUrlToContentId(url: string): string {
  return `<${decodeURIComponent(url.replace(/^cid:/i, ''))}>`;
}

export function contentIdToCidUrl(contentId: string): string {
  return `cid:${encodeURIComponent(contentId.replace(/^<|>$/g, '')).replace(/%40/g, '@')}`;
}

// ---------------------------------------------------------------------------------------------
// byte-range: RFC 5547 file-range value, start-offset "-" stop-offset; 1-based, inclusive,
// stop may be '*' (up to the end of the file).

const byteRange: ValueCodec<FileRange> = {
  name: 'byte-range',
  format(value) {
    const { start, stop } = value;
    if (!Number.isSafeInteger(start) || start < 1) throw valueError('byte-range', `start must be an integer >= 1, got ${start}`);
    if (stop !== '*' && (!Number.isSafeInteger(stop) || stop < start)) throw valueError('byte-range', `stop must be '*' or an integer >= start, got ${stop}`);
    return `${start}-${stop}`;
  },
  parse(text) {
    const m = /^\s*([0-9]+)\s*-\s*([0-9]+|\*)\s*$/.exec(text);
    if (!m) return fail(valueError('byte-range', 'expected start-stop', text));
    const start = Number(m[1]);
    const stop = m[2] === '*' ? '*' : Number(m[2]);
    if (start < 1) return fail(valueError('byte-range', 'offsets are 1-based', text));
    if (stop !== '*' && stop < start) return fail(valueError('byte-range', 'stop before start', text));
    if (!Number.isSafeInteger(start) || (stop !== '*' && !Number.isSafeInteger(stop))) return fail(valueError('byte-range', 'too large', text));
    return ok({ start, stop });
  },
};

// ---------------------------------------------------------------------------------------------

/** The codec table the generated RFC 5547 builders refer to by name. */
export const fileAttributeCodecs: {
  'quoted-string': ValueCodec<string>;
  'mime-type': ValueCodec<string>;
  integer: ValueCodec<number>;
  hash: ValueCodec<FileHash>;
  token: ValueCodec<string>;
  'date-time': ValueCodec<Date>;
  'cid-url': ValueCodec<string>;
  'byte-range': ValueCodec<FileRange>;
} = {
  'quoted-string': quotedString,
  'mime-type': mimeType,
  integer,
  hash,
  token,
  'date-time': dateTime,
  'cid-url': cidUrl,
  'byte-range': byteRange,
};

export type FileAttributeCodecName = keyof typeof fileAttributeCodecs;
export type CodecValue<K extends FileAttributeCodecName> = (typeof fileAttributeCodecs)[K] extends ValueCodec<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// Selector lists: RFC 5547 file-selector and file-date are space-separated `key:value` parts.

/** Joins parts as `key:text key:text`; the texts are already codec-formatted. */
export function formatSelectorParts(parts: ReadonlyArray<readonly [key: string, text: string]>): string {
  return parts.map(([key, text]) => `${key}:${text}`).join(' ');
}

/**
 * Splits `name:"a b.txt" type:text/plain;charset="x y" size:10` into raw value texts by key
 * (keys lowercased). A double quote opens a section that may hold spaces, wherever it appears in
 * the value. Unknown keys are kept; a repeated key keeps its first value.
 */
export function parseSelectorParts(text: string): Result<Map<string, string>> {
  const parts = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n) break;
    const partStart = i;
    while (i < n && text[i] !== ':' && text[i] !== ' ' && text[i] !== '\t') i++;
    if (text[i] !== ':' || i === partStart) {
      return fail(new CpmError('ERR_SDP_VALUE', `selector part without "key:" at column ${partStart + 1}`, { location: { column: partStart + 1 } }));
    }
    const key = text.slice(partStart, i).toLowerCase();
    i++;
    const valueStart = i;
    while (i < n && text[i] !== ' ' && text[i] !== '\t') {
      if (text[i] === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) {
          return fail(new CpmError('ERR_SDP_VALUE', `unterminated quote at column ${i + 1}`, { location: { column: i + 1 } }));
        }
        i = close + 1;
      } else {
        i++;
      }
    }
    if (!parts.has(key)) parts.set(key, text.slice(valueStart, i));
  }
  return ok(parts);
}
