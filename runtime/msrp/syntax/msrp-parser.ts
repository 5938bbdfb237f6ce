import { fail, ok, type Result } from '../../errors.ts';
import { buildHeaders, isHeaderProblem, type MsrpHeaders } from './msrp-headers.ts';
import { MsrpParseError, MsrpParseReason } from './msrp-parse-error.ts';

/** RFC 4975 §7.1 continuation flag: `$` last chunk, `+` more chunks follow, `#` aborted. */
export const ContinuationFlag = { complete: '$', more: '+', aborted: '#' } as const;
export type ContinuationFlag = (typeof ContinuationFlag)[keyof typeof ContinuationFlag];

export interface MsrpRequestHead {
  readonly kind: 'request';
  readonly transactionId: string;
  readonly method: string;
  readonly headers: MsrpHeaders;
  /** True when a blank line followed the headers (content-stuff present, maybe empty). */
  readonly hasBody: boolean;
}

export interface MsrpResponseHead {
  readonly kind: 'response';
  readonly transactionId: string;
  readonly status: number;
  readonly comment?: string;
  readonly headers: MsrpHeaders;
  readonly hasBody: boolean;
}

export type MsrpHead = MsrpRequestHead | MsrpResponseHead;

/** Receives the event stream: one head, any number of body slices, one end, repeat. */
export interface MsrpParserSink {
  head(head: MsrpHead): void;
  /** A zero-copy view into the fed buffer (or a small copy of a held-back end-line prefix). */
  body(data: Buffer): void;
  end(flag: ContinuationFlag): void;
}

export interface MsrpParserLimits {
  /** Longest start line or header line, CRLF included. */
  readonly maxLineLength: number;
  readonly maxHeaderCount: number;
  /** Start line plus header block, in bytes. */
  readonly maxHeadBytes: number;
}

export const DEFAULT_PARSER_LIMITS: MsrpParserLimits = { maxLineLength: 4096, maxHeaderCount: 64, maxHeadBytes: 16384 };

const CR = 0x0d;
const LF = 0x0a;
const DASHES = '-------';
const FLAG_BYTES = new Set([0x24, 0x2b, 0x23]); // $ + #

// RFC 4975 §9: req-start = "MSRP" SP transact-id SP method CRLF
//              resp-start = "MSRP" SP transact-id SP status-code [SP comment] CRLF
// transact-id is an ident (alphanumeric first); we accept up to 64 characters to be lenient.
const START_RE = /^MSRP ([A-Za-z0-9][A-Za-z0-9.\-+%=]{0,63}) (?:([A-Z]+)|(\d{3})(?: (.*))?)$/;

type State = 'start' | 'headers' | 'body' | 'failed';

/**
 * Incremental MSRP parser: feed it socket reads of any size; it reports heads, body slices and
 * end-lines to the sink as soon as they are known. Bodies are never copied or accumulated: the
 * only bytes held back are a possible end-line prefix at the end of a read.
 */
export class MsrpParser {
  readonly #sink: MsrpParserSink;
  readonly #limits: MsrpParserLimits;
  #state: State = 'start';
  #error: MsrpParseError | undefined;
  /** Absolute stream offset of the first byte of the buffer being fed. */
  #base = 0;
  #lineParts: Buffer[] = [];
  #lineLength = 0;
  /** Absolute stream offset where the line being read began (it may span several reads). */
  #lineStart = 0;
  #headBytes = 0;
  #transactionId = '';
  #method: string | undefined;
  #status: { code: number; comment: string | undefined } | undefined;
  #raw: [string, string][] = [];
  /** "\r\n-------<tid>": what starts the end-line inside a body. */
  #endPattern: Buffer = Buffer.alloc(0);
  /** Tail of the previous read that may be the start of the end-line. */
  #pending: Buffer | undefined;
  /** The buffer being fed is reused by its owner after feed() returns (see feed). */
  #borrowed = false;

  constructor(sink: MsrpParserSink, limits: Partial<MsrpParserLimits> = {}) {
    this.#sink = sink;
    this.#limits = { ...DEFAULT_PARSER_LIMITS, ...limits };
  }

  /**
   * The parser may keep references to `data` (a header line split across reads, a held-back
   * end-line prefix), so do not reuse it, unless `borrowed`: then what it keeps is copied, and
   * the body slices it reports are views valid only during the sink's call.
   */
  feed(data: Buffer, borrowed = false): Result<void, MsrpParseError> {
    if (this.#error) return fail(this.#error);
    this.#borrowed = borrowed;
    let pos = 0;
    while (pos < data.length) {
      if (this.#state === 'body') pos = this.#feedBody(data, pos);
      else pos = this.#feedHead(data, pos);
      if (this.#error) return fail(this.#error);
    }
    this.#base += data.length;
    return ok(undefined);
  }

  /** True between messages: nothing is buffered and no message is half read. */
  get idle(): boolean {
    return this.#state === 'start' && this.#lineLength === 0;
  }

  /** `at` is relative to the buffer being fed. */
  #fail(reason: MsrpParseReason, message: string, at: number): void {
    this.#failAt(reason, message, this.#base + at);
  }

  #failAt(reason: MsrpParseReason, message: string, offset: number): void {
    this.#state = 'failed';
    const to = this.#raw.find(([n]) => n.toLowerCase() === 'to-path')?.[1];
    const from = this.#raw.find(([n]) => n.toLowerCase() === 'from-path')?.[1];
    this.#error = new MsrpParseError(reason, message, offset, this.#transactionId || undefined, this.#method, {
      ...(to === undefined ? {} : { to }), ...(from === undefined ? {} : { from }),
    });
  }

  // Head: start line and header lines, read line by line (RFC 4975 §9 headers are CRLF-terminated).
  #feedHead(data: Buffer, pos: number): number {
    const nl = data.indexOf(LF, pos);
    const lineEnd = nl === -1 ? data.length : nl + 1;
    const piece = data.subarray(pos, lineEnd);
    if (this.#lineLength === 0) this.#lineStart = this.#base + pos;
    this.#lineLength += piece.length;
    this.#headBytes += piece.length;
    // Size errors must not depend on how TCP cut the stream: they point at the start of the
    // offending line, and when both limits are past, the one crossed at the earlier byte (the
    // larger excess) wins, which is the one a single whole read would report.
    const lineExcess = this.#lineLength - this.#limits.maxLineLength;
    const headExcess = this.#headBytes - this.#limits.maxHeadBytes;
    if (lineExcess > 0 && lineExcess >= headExcess) {
      this.#failAt(MsrpParseReason.lineTooLong, `line longer than ${this.#limits.maxLineLength} bytes`, this.#lineStart);
      return data.length;
    }
    if (headExcess > 0) {
      this.#failAt(MsrpParseReason.headTooLarge, `header block larger than ${this.#limits.maxHeadBytes} bytes`, this.#lineStart);
      return data.length;
    }
    if (nl === -1) {
      this.#lineParts.push(this.#borrowed ? Buffer.from(piece) : piece);
      return data.length;
    }
    const lineBuf = this.#lineParts.length === 0 ? piece : Buffer.concat([...this.#lineParts, piece]);
    this.#lineParts = [];
    this.#lineLength = 0;
    if (lineBuf.length < 2 || lineBuf[lineBuf.length - 2] !== CR) {
      this.#fail(MsrpParseReason.headerLine, 'line not terminated by CRLF', nl);
      return data.length;
    }
    const line = lineBuf.toString('utf8', 0, lineBuf.length - 2);
    if (this.#state === 'start') this.#startLine(line, nl);
    else this.#headerLine(line, nl);
    return lineEnd;
  }

  #startLine(line: string, at: number): void {
    const m = START_RE.exec(line);
    if (!m) {
      this.#fail(MsrpParseReason.startLine, `bad start line ${JSON.stringify(line.slice(0, 80))}`, at);
      return;
    }
    this.#transactionId = m[1] ?? '';
    this.#method = m[2];
    this.#status = m[3] === undefined ? undefined : { code: Number(m[3]), comment: m[4] };
    this.#raw = [];
    this.#state = 'headers';
  }

  #headerLine(line: string, at: number): void {
    // RFC 4975 §7.1: a message without body ends right after the headers with its end-line.
    if (line.startsWith(DASHES)) {
      const flag = line.slice(DASHES.length + this.#transactionId.length);
      if (line.slice(DASHES.length, DASHES.length + this.#transactionId.length) !== this.#transactionId
        || (flag !== '$' && flag !== '+' && flag !== '#')) {
        this.#fail(MsrpParseReason.endLine, `end-line does not match transaction ${this.#transactionId}`, at);
        return;
      }
      if (!this.#emitHead(false, at)) return;
      this.#finish(flag);
      return;
    }
    // A blank line separates the headers from the body (content-stuff, §9).
    if (line === '') {
      if (!this.#emitHead(true, at)) return;
      this.#endPattern = Buffer.from(`\r\n${DASHES}${this.#transactionId}`, 'latin1');
      this.#state = 'body';
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      this.#fail(MsrpParseReason.headerLine, `bad header line ${JSON.stringify(line.slice(0, 80))}`, at);
      return;
    }
    if (this.#raw.length >= this.#limits.maxHeaderCount) {
      this.#fail(MsrpParseReason.tooManyHeaders, `more than ${this.#limits.maxHeaderCount} headers`, at);
      return;
    }
    this.#raw.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }

  #emitHead(hasBody: boolean, at: number): boolean {
    const headers = buildHeaders(this.#raw);
    if (isHeaderProblem(headers)) {
      this.#fail(MsrpParseReason.header, `${headers.header}: ${headers.message}`, at);
      return false;
    }
    const tid = this.#transactionId;
    if (this.#method !== undefined) {
      this.#sink.head({ kind: 'request', transactionId: tid, method: this.#method, headers, hasBody });
    } else if (this.#status !== undefined) {
      const comment = this.#status.comment;
      this.#sink.head({
        kind: 'response', transactionId: tid, status: this.#status.code, headers, hasBody,
        ...(comment === undefined ? {} : { comment }),
      });
    }
    return true;
  }

  #finish(flag: string): void {
    this.#state = 'start';
    this.#headBytes = 0;
    this.#transactionId = '';
    this.#method = undefined;
    this.#status = undefined;
    this.#sink.end(flag as ContinuationFlag);
  }

  // Body: RFC 4975 §7.1 ends it with CRLF "-------" tid flag CRLF. The sender guarantees that
  // sequence does not occur inside the body, so the first complete occurrence is the end.
  #feedBody(data: Buffer, pos: number): number {
    const pattern = this.#endPattern;
    const fullLength = pattern.length + 3;
    if (this.#pending !== undefined) {
      const held = this.#pending;
      this.#pending = undefined;
      // Only the few bytes that could complete a held-back end-line are copied.
      const extra = data.subarray(pos, Math.min(data.length, pos + fullLength));
      const joined = Buffer.concat([held, extra]);
      const hit = findEndLine(joined, 0, pattern);
      if (hit.kind === 'found' && hit.index < held.length) {
        if (hit.index > 0) this.#sink.body(held.subarray(0, hit.index));
        const flag = String.fromCharCode(joined[hit.index + pattern.length] ?? 0);
        this.#finish(flag);
        return pos + hit.index + fullLength - held.length;
      }
      if (hit.kind === 'partial' && hit.index < held.length) {
        if (hit.index > 0) this.#sink.body(held.subarray(0, hit.index));
        this.#pending = joined.subarray(hit.index);
        return data.length;
      }
      this.#sink.body(held);
    }
    const hit = findEndLine(data, pos, pattern);
    if (hit.kind === 'found') {
      if (hit.index > pos) this.#sink.body(data.subarray(pos, hit.index));
      const flag = String.fromCharCode(data[hit.index + pattern.length] ?? 0);
      this.#finish(flag);
      return hit.index + fullLength;
    }
    if (hit.kind === 'partial') {
      if (hit.index > pos) this.#sink.body(data.subarray(pos, hit.index));
      this.#pending = this.#borrowed ? Buffer.from(data.subarray(hit.index)) : data.subarray(hit.index);
      return data.length;
    }
    if (data.length > pos) this.#sink.body(data.subarray(pos));
    return data.length;
  }
}

type EndLineHit = { kind: 'found' | 'partial'; index: number } | { kind: 'none' };

/**
 * Finds "\r\n-------<tid>" followed by a flag and CRLF, starting at `from`. `partial` means the
 * buffer ends inside what may still become an end-line, starting at `index`.
 * The pattern contains CR only at its first byte, so a failed candidate never hides another one
 * that starts inside it, and indexOf (native) does the scanning.
 */
export function findEndLine(buf: Buffer, from: number, pattern: Buffer): EndLineHit {
  const m = pattern.length;
  let start = from;
  for (;;) {
    const i = buf.indexOf(pattern, start);
    if (i === -1) break;
    const flagAt = i + m;
    if (flagAt >= buf.length) return { kind: 'partial', index: i };
    if (FLAG_BYTES.has(buf[flagAt] ?? 0)) {
      if (flagAt + 1 >= buf.length) return { kind: 'partial', index: i };
      if (buf[flagAt + 1] === CR) {
        if (flagAt + 2 >= buf.length) return { kind: 'partial', index: i };
        if (buf[flagAt + 2] === LF) return { kind: 'found', index: i };
      }
    }
    start = i + 1;
  }
  // No complete pattern: a strict prefix of it may sit at the very end of the buffer.
  let c = buf.indexOf(CR, Math.max(start, buf.length - m + 1));
  while (c !== -1) {
    if (buf.compare(pattern, 0, buf.length - c, c, buf.length) === 0) return { kind: 'partial', index: c };
    c = buf.indexOf(CR, c + 1);
  }
  return { kind: 'none' };
}
