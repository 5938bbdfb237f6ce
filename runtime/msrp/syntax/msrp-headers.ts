import { type MsrpUri, parseMsrpPath } from '../msrp-uri.ts';

/** RFC 4975 §7.3.1 Byte-Range: 1-based, inclusive; `*` when the end or the total is unknown. */
export interface ByteRange {
  readonly start: number;
  readonly end: number | '*';
  readonly total: number | '*';
}

/** RFC 4975 §9 Status header (used in REPORTs): namespace, code and optional reason. */
export interface StatusHeader {
  readonly namespace: number;
  readonly code: number;
  readonly reason?: string;
}

export type SuccessReport = 'yes' | 'no';
export type FailureReport = 'yes' | 'no' | 'partial';

/** The header block of one request or response, typed where we know the field. */
export interface MsrpHeaders {
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly messageId?: string;
  readonly byteRange?: ByteRange;
  readonly successReport?: SuccessReport;
  readonly failureReport?: FailureReport;
  readonly status?: StatusHeader;
  readonly contentType?: string;
  /** RFC 4976 §5 relay headers. */
  readonly usePath?: readonly MsrpUri[];
  readonly wwwAuthenticate: readonly string[];
  readonly authorization: readonly string[];
  readonly authenticationInfo?: string;
  readonly expires?: number;
  readonly minExpires?: number;
  readonly maxExpires?: number;
  /** Every header as received (name as written), including the typed ones, in order. */
  readonly raw: readonly (readonly [string, string])[];
}

// RFC 4975 §9: Byte-Range = "Byte-Range:" SP range-start "-" range-end "/" total,
// range-end and total being digits or "*".
const BYTE_RANGE_RE = /^(\d{1,15})-(\d{1,15}|\*)\/(\d{1,15}|\*)$/;

export function parseByteRange(value: string): ByteRange | undefined {
  const m = BYTE_RANGE_RE.exec(value.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === '*' ? '*' : Number(m[2]);
  const total = m[3] === '*' ? '*' : Number(m[3]);
  // Ranges are 1-based (§7.3.1); an end one below the start describes an empty chunk.
  if (start < 1) return undefined;
  if (end !== '*' && end < start - 1) return undefined;
  return { start, end, total };
}

export function formatByteRange(r: ByteRange): string {
  return `${r.start}-${r.end}/${r.total}`;
}

// RFC 4975 §9: Status = "Status:" SP namespace SP status-code [SP text-reason]; namespace is 3 digits.
const STATUS_RE = /^(\d{3}) (\d{3})(?: (.*))?$/;

export function parseStatusHeader(value: string): StatusHeader | undefined {
  const m = STATUS_RE.exec(value.trim());
  if (!m) return undefined;
  return { namespace: Number(m[1]), code: Number(m[2]), ...(m[3] === undefined ? {} : { reason: m[3] }) };
}

export function formatStatusHeader(s: StatusHeader): string {
  const ns = String(s.namespace).padStart(3, '0');
  return s.reason === undefined ? `${ns} ${s.code}` : `${ns} ${s.code} ${s.reason}`;
}

/** Why a header block was refused; the parser turns it into ERR_MSRP_PARSE. */
export interface HeaderProblem {
  readonly header: string;
  readonly message: string;
}

const DIGITS_RE = /^\d{1,10}$/;

// One table: lower-cased header name -> how its value lands in MsrpHeaders.
// Example lines are the RFC 4975 §9 / RFC 4976 §5 forms.
type Draft = { -readonly [K in keyof MsrpHeaders]?: MsrpHeaders[K] } & { wwwAuthenticate: string[]; authorization: string[] };
const HEADER_TABLE: Readonly<Record<string, (v: string, d: Draft) => string | undefined>> = {
  // To-Path: msrp://bob.example.com:8888/9di4ea;tcp
  'to-path': (v, d) => { const r = parseMsrpPath(v); if (!r.ok) return r.error.message; d.toPath = r.value; return undefined; },
  // From-Path: msrp://alice.example.com:7777/iau39;tcp
  'from-path': (v, d) => { const r = parseMsrpPath(v); if (!r.ok) return r.error.message; d.fromPath = r.value; return undefined; },
  // Use-Path: msrps://relay.example.com:2855/aa1;tcp
  'use-path': (v, d) => { const r = parseMsrpPath(v); if (!r.ok) return r.error.message; d.usePath = r.value; return undefined; },
  // Message-ID: 87652491
  'message-id': (v, d) => { if (!/^[A-Za-z0-9][A-Za-z0-9.\-+%=]*$/.test(v)) return 'bad Message-ID'; d.messageId = v; return undefined; },
  // Byte-Range: 1-25/25
  'byte-range': (v, d) => { const r = parseByteRange(v); if (!r) return 'bad Byte-Range'; d.byteRange = r; return undefined; },
  // Success-Report: yes
  'success-report': (v, d) => { const x = v.toLowerCase(); if (x !== 'yes' && x !== 'no') return 'bad Success-Report'; d.successReport = x; return undefined; },
  // Failure-Report: partial
  'failure-report': (v, d) => { const x = v.toLowerCase(); if (x !== 'yes' && x !== 'no' && x !== 'partial') return 'bad Failure-Report'; d.failureReport = x; return undefined; },
  // Status: 000 200 OK
  status: (v, d) => { const r = parseStatusHeader(v); if (!r) return 'bad Status'; d.status = r; return undefined; },
  // Content-Type: text/plain
  'content-type': (v, d) => { d.contentType = v; return undefined; },
  // WWW-Authenticate: Digest realm="relay.example.com", nonce="...", qop="auth"
  'www-authenticate': (v, d) => { d.wwwAuthenticate.push(v); return undefined; },
  // Authorization: Digest username="alice", ...
  authorization: (v, d) => { d.authorization.push(v); return undefined; },
  // Authentication-Info: nextnonce="..."
  'authentication-info': (v, d) => { d.authenticationInfo = v; return undefined; },
  // Expires: 900
  expires: (v, d) => { if (!DIGITS_RE.test(v)) return 'bad Expires'; d.expires = Number(v); return undefined; },
  'min-expires': (v, d) => { if (!DIGITS_RE.test(v)) return 'bad Min-Expires'; d.minExpires = Number(v); return undefined; },
  'max-expires': (v, d) => { if (!DIGITS_RE.test(v)) return 'bad Max-Expires'; d.maxExpires = Number(v); return undefined; },
};

/** Types a raw header list; To-Path and From-Path are mandatory in every message (§7). */
export function buildHeaders(raw: readonly (readonly [string, string])[]): MsrpHeaders | HeaderProblem {
  const draft: Draft = { wwwAuthenticate: [], authorization: [] };
  for (const [name, value] of raw) {
    const apply = HEADER_TABLE[name.toLowerCase()];
    if (apply === undefined) continue;
    const problem = apply(value, draft);
    if (problem !== undefined) return { header: name, message: problem };
  }
  if (draft.toPath === undefined) return { header: 'To-Path', message: 'missing To-Path' };
  if (draft.fromPath === undefined) return { header: 'From-Path', message: 'missing From-Path' };
  return { ...draft, toPath: draft.toPath, fromPath: draft.fromPath, raw };
}

export function isHeaderProblem(x: MsrpHeaders | HeaderProblem): x is HeaderProblem {
  return 'message' in x && !('raw' in x);
}
