import { CpmError } from '../errors.ts';
import { type Clock, type CancelTimer, schedule } from './clock.ts';
import type { MsrpConnection } from './msrp-connection.ts';
import type { MsrpUri } from './msrp-uri.ts';
import type { ByteRange, FailureReport, StatusHeader } from './syntax/msrp-headers.ts';
import type { ContinuationFlag, MsrpResponseHead } from './syntax/msrp-parser.ts';
import { chooseTransactionId, chunkHeadSerializer, serializeEndLine, serializeRequestHead } from './syntax/msrp-serializer.ts';

/** A REPORT received for one of our messages (RFC 4975 §7.1.2). */
export interface MsrpReport {
  readonly messageId: string;
  readonly byteRange: ByteRange | undefined;
  readonly status: StatusHeader | undefined;
}

/** An error response (or local 408) that failed a message. */
export class MsrpStatusError extends CpmError {
  readonly status: number;
  constructor(status: number, message: string) {
    super(status === 408 ? 'ERR_MSRP_TRANSACTION_TIMEOUT' : 'ERR_MSRP_STATUS', message);
    this.name = 'MsrpStatusError';
    this.status = status;
  }
}

export type MessageSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * A source that lends its buffers (runtime/files FileBlockReader): every piece it yielded is
 * handed back once it left the process (written to the socket, or dropped with the connection),
 * so the source can read into that memory again.
 */
export interface LendingSource {
  release(piece: Uint8Array): void;
}

const isLending = (source: MessageSource): source is MessageSource & LendingSource =>
  typeof (source as Partial<LendingSource>).release === 'function';

export interface OutgoingMessageOptions {
  /** Total size in bytes; the source must yield exactly this many. */
  readonly size: number;
  readonly contentType: string;
  readonly messageId?: string;
  /** Ask for a success REPORT once the whole message arrived (Success-Report: yes). */
  readonly successReport?: boolean;
  /** Default `yes`: a 200 per chunk. `partial`: errors only. `no`: nothing comes back. */
  readonly failureReport?: FailureReport;
  /** Bytes per chunk, default 256 KiB; capped by the session's peer max-size. */
  readonly chunkSize?: number;
  /** Chunks sent but not yet answered, at most (Failure-Report: yes only). Default 1024. */
  readonly window?: number;
  /** Bytes sent but not yet answered, at most (Failure-Report: yes only). Default 16 MiB. */
  readonly windowBytes?: number;
  /** Default 30 s (RFC 4975 §7.1 transaction timeout). */
  readonly transactionTimeoutMs?: number;
  readonly onReport?: (report: MsrpReport) => void;
  /**
   * Failure-Report: partial only: an error response that came after every chunk was written (the
   * message had already settled as sent). RFC 4975 §7.1.2: under `partial` the receiver answers
   * errors only, so an error for one of the last chunks (or for the last one, refused after the
   * whole message was checked) can arrive while the sender waits for the success REPORT.
   * The message keeps listening for such responses until forgetTransactions() is called.
   */
  readonly onLateError?: (error: MsrpStatusError) => void;
}

export interface OutgoingMessageResult {
  readonly messageId: string;
  readonly bytes: number;
}

/** What the session lends a message to send on. */
export interface OutgoingLink {
  readonly connection: MsrpConnection;
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly clock: Clock;
  /** Tells the session's send loop that this message may be able to send again. */
  wake(): void;
}

export const DEFAULT_CHUNK_SIZE = 256 * 1024;
// Bench profiles (64 KiB chunks, window of 32): the sender sat idle waiting for 200s while the
// receiver waited for data. The window is bounded in bytes so that it covers the loopback and
// the receiver's disk queue whatever the chunk size; the count bound only guards tiny chunks.
export const DEFAULT_WINDOW_BYTES = 16 * 1024 * 1024;
const DEFAULT_WINDOW = 1024;
// Bytes queued in the socket above which the sender waits for 'drain'. Node's own mark (16 KiB)
// is below one chunk, which made the sender yield to the event loop after every chunk.
const SOCKET_QUEUE_LIMIT = 2 * 1024 * 1024;

const statusText = (head: MsrpResponseHead): string => (head.comment === undefined ? `${head.status}` : `${head.status} ${head.comment}`);

/** Pulls exactly-sized runs of bytes out of any iterable of byte arrays, without copying. */
class ChunkReader {
  readonly #it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  #left: Buffer | undefined;

  constructor(source: MessageSource) {
    this.#it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  async read(n: number): Promise<Buffer[]> {
    const pieces: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (this.#left === undefined) {
        const r = await this.#it.next();
        if (r.done) break;
        const v = r.value;
        const b = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        if (b.length === 0) continue;
        this.#left = b;
      }
      const take = Math.min(n - got, this.#left.length);
      pieces.push(this.#left.subarray(0, take));
      this.#left = take === this.#left.length ? undefined : this.#left.subarray(take);
      got += take;
    }
    return pieces;
  }

  async close(): Promise<void> {
    await this.#it.return?.();
  }
}

/**
 * One message being sent as SEND chunks (RFC 4975 §7.1). The session's send loop calls
 * sendNextChunk() while ready() holds; responses and REPORTs are routed back here.
 */
export class OutgoingMessage {
  readonly messageId: string;
  readonly size: number;
  readonly done: Promise<OutgoingMessageResult>;
  readonly #options: OutgoingMessageOptions;
  readonly #chunkSize: number;
  readonly #window: number;
  readonly #windowBytes: number;
  #inflightBytes = 0;
  readonly #failureReport: FailureReport;
  readonly #reader: ChunkReader;
  readonly #lender: LendingSource | undefined;
  readonly #inflight = new Map<string, CancelTimer>();
  readonly #tids = new Set<string>();
  /**
   * Failure-Report: partial: the chunks still listened to, in sending order, with the message
   * offset their last byte has. A chunk inside a prefix a success REPORT confirmed is dropped
   * (handleReport), so a long message does not keep one response waiter per chunk it ever sent.
   */
  #partialChunks: Array<{ readonly tid: string; readonly end: number }> = [];
  #link: OutgoingLink | undefined;
  /** Formats this message's chunk heads for the link they were made for (a new link, new paths). */
  #heads: { readonly link: OutgoingLink; readonly head: (tid: string, byteRange: ByteRange) => Buffer } | undefined;
  #offset = 0;
  #acked = 0;
  #allWritten = false;
  #chunkInProgress = false;
  #settled = false;
  #failed = false;
  /** The last chunk's transaction id and when it was written (for lastChunkRttMs). */
  #lastTid: string | undefined;
  #lastSentAt = 0;
  #lastChunkRttMs: number | undefined;
  /** The end of the byte prefix 1..n that success REPORTs confirmed (RFC 4975 §7.1.2 Byte-Range). */
  #reported = 0;
  #resolve!: (r: OutgoingMessageResult) => void;
  #reject!: (e: CpmError) => void;

  constructor(source: MessageSource, messageId: string, options: OutgoingMessageOptions, maxChunk: number | undefined) {
    if (!Number.isSafeInteger(options.size) || options.size < 0) throw new CpmError('ERR_INVALID_ARG_VALUE', 'size must be a non-negative integer');
    this.messageId = messageId;
    this.size = options.size;
    this.#options = options;
    const wanted = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.#chunkSize = Math.max(1, maxChunk === undefined ? wanted : Math.min(wanted, maxChunk));
    this.#window = Math.max(1, options.window ?? DEFAULT_WINDOW);
    this.#windowBytes = Math.max(1, options.windowBytes ?? DEFAULT_WINDOW_BYTES);
    this.#failureReport = options.failureReport ?? 'yes';
    this.#reader = new ChunkReader(Buffer.isBuffer(source) ? [source] : source);
    this.#lender = isLending(source) ? source : undefined;
    this.done = new Promise((resolve, reject) => { this.#resolve = resolve; this.#reject = reject; });
    // The caller may only listen for reports; a failure must not become an unhandled rejection.
    this.done.catch(() => {});
  }

  get bytesSent(): number { return this.#offset; }
  /**
   * Bytes the receiver confirmed: answered 200 (Failure-Report: yes) or covered by a success
   * REPORT's Byte-Range from byte 1 (progress REPORTs under Failure-Report: partial).
   */
  get bytesAcknowledged(): number { return Math.max(this.#acked, this.#reported); }
  get settled(): boolean { return this.#settled; }
  /**
   * Milliseconds from writing the last chunk to its 200, once that came (undefined before, and
   * under Failure-Report other than yes). The sender's late-REPORT grace is scaled from it.
   */
  get lastChunkRttMs(): number | undefined { return this.#lastChunkRttMs; }

  /** The send loop drops a message once everything is written or it failed. */
  get finishedSending(): boolean { return this.#settled || this.#allWritten; }

  /** True when a chunk may go now: not finished, and the window of unanswered chunks has room. */
  ready(): boolean {
    return !this.finishedSending && !this.#chunkInProgress && this.#inflight.size < this.#window && this.#inflightBytes < this.#windowBytes;
  }

  async sendNextChunk(link: OutgoingLink): Promise<void> {
    this.#link = link;
    this.#chunkInProgress = true;
    try {
      await this.#sendChunk(link);
    } catch (e) {
      this.fail(e instanceof CpmError ? e : new CpmError('ERR_MSRP_SOURCE', 'reading the message source failed', { cause: e }));
    } finally {
      this.#chunkInProgress = false;
    }
  }

  async #sendChunk(link: OutgoingLink): Promise<void> {
    const start = this.#offset;
    const want = Math.min(this.#chunkSize, this.size - start);
    const pieces = want > 0 ? await this.#reader.read(want) : [];
    if (this.#settled) return;
    const got = pieces.reduce((n, p) => n + p.length, 0);
    if (got < want) {
      this.fail(new CpmError('ERR_MSRP_SOURCE_SIZE', `source ended after ${start + got} of ${this.size} bytes`));
      return;
    }
    const last = start + got === this.size;
    if (last && (await this.#reader.read(1)).length > 0) {
      this.fail(new CpmError('ERR_MSRP_SOURCE_SIZE', `source yields more than ${this.size} bytes`));
      return;
    }
    if (this.#settled) return;
    const conn = link.connection;
    // RFC 4975 §7.1: the end-line of this chunk must not occur in its body.
    const tid = chooseTransactionId(pieces);
    const byteRange = { start: start + 1, end: start + got, total: this.size };
    const head = this.#headsFor(link)(tid, byteRange);
    this.#track(tid, got, link);
    this.#offset = start + got;
    if (last) { this.#lastTid = tid; this.#lastSentAt = performance.now(); }
    // Head, body and end-line go out in one writev: three syscalls per chunk cost more than the
    // copy they avoid (bench profile). The chunk is then complete on the wire, so a 413 or an
    // abort that arrives later ends the message with a separate empty '#' chunk (abort()), as
    // RFC 4975 §7.1 allows between chunks.
    const flag: ContinuationFlag = last ? '$' : '+';
    const lender = this.#lender;
    conn.write([head, ...pieces, serializeEndLine(tid, flag, true)], lender === undefined ? undefined : () => {
      for (const piece of pieces) lender.release(piece);
    });
    if (last) {
      this.#allWritten = true;
      this.#maybeComplete();
    }
    if (conn.socket.writableLength > SOCKET_QUEUE_LIMIT) await this.#drained(conn, link);
  }

  #headsFor(link: OutgoingLink): (tid: string, byteRange: ByteRange) => Buffer {
    if (this.#heads?.link === link) return this.#heads.head;
    const head = chunkHeadSerializer({
      method: 'SEND', toPath: link.toPath, fromPath: link.fromPath, messageId: this.messageId,
      ...(this.#options.successReport ? { successReport: 'yes' as const } : {}),
      ...(this.#failureReport === 'yes' ? {} : { failureReport: this.#failureReport }),
      contentType: this.#options.contentType,
    });
    this.#heads = { link, head };
    return head;
  }

  // Under Failure-Report: yes every chunk has its 408 timer. Under `partial` or `no` nothing
  // answers chunks, so a peer that stops reading without closing would hold the message in this
  // wait for ever: the same RFC 4975 §7.1 transaction timeout bounds the wait for the socket.
  async #drained(conn: MsrpConnection, link: OutgoingLink): Promise<void> {
    const drain = conn.waitDrain();
    if (this.#failureReport === 'yes') return drain;
    const timeoutMs = this.#options.transactionTimeoutMs ?? 30_000;
    let cancel: CancelTimer | undefined;
    const stalled = new Promise<void>((resolve) => {
      cancel = schedule(link.clock, timeoutMs, () => {
        this.fail(new MsrpStatusError(408, `the peer took no data of message ${this.messageId} for ${timeoutMs} ms`));
        resolve();
      });
    });
    try {
      await Promise.race([drain, stalled]);
    } finally {
      cancel?.();
    }
  }

  #track(tid: string, bytes: number, link: OutgoingLink): void {
    if (this.#failureReport === 'no') return;
    this.#tids.add(tid);
    if (this.#failureReport === 'partial') this.#partialChunks.push({ tid, end: this.#offset + bytes });
    link.connection.expectResponse(tid, (head) => this.#onResponse(tid, bytes, head));
    if (this.#failureReport !== 'yes') return;
    this.#inflightBytes += bytes;
    // RFC 4975 §7.1: a SEND that gets no response in time counts as failed with a local 408.
    const timeoutMs = this.#options.transactionTimeoutMs ?? 30_000;
    this.#inflight.set(tid, schedule(link.clock, timeoutMs, () => {
      this.fail(new MsrpStatusError(408, `no response to SEND ${tid} within ${timeoutMs} ms`));
    }));
  }

  #onResponse(tid: string, bytes: number, head: MsrpResponseHead): void {
    this.#tids.delete(tid);
    const cancel = this.#inflight.get(tid);
    if (cancel !== undefined) {
      cancel();
      this.#inflight.delete(tid);
      this.#inflightBytes -= bytes;
    }
    if (this.#settled) {
      // Failure-Report: partial keeps the transactions of a sent message (see onLateError).
      if (head.status !== 200 && !this.#failed) this.#options.onLateError?.(new MsrpStatusError(head.status, `message ${this.messageId} refused: ${statusText(head)}`));
      return;
    }
    if (head.status === 200) {
      if (tid === this.#lastTid) this.#lastChunkRttMs = performance.now() - this.#lastSentAt;
      this.#acked += bytes;
      this.#maybeComplete();
      this.#link?.wake();
      return;
    }
    // RFC 4975 §7.2 / §10: any other status fails the message; 413 in particular means the
    // receiver wants no more of it, so no further chunk goes and one in flight ends with '#'.
    this.fail(new MsrpStatusError(head.status, `message ${this.messageId} refused: ${statusText(head)}`));
  }

  #maybeComplete(): void {
    if (this.#settled || !this.#allWritten || this.#inflight.size > 0) return;
    this.#settled = true;
    // Under Failure-Report: partial nothing proved delivery yet: an error response may still come
    // for any chunk, so the transactions stay registered (forgetTransactions() drops them).
    this.#cleanup(this.#failureReport === 'partial');
    this.#resolve({ messageId: this.messageId, bytes: this.size });
  }

  // RFC 4975 §7.1.2: the receiver holds every byte a success REPORT names, so no error can still
  // come for those chunks; the last chunk's error (whole-message check) is never inside a prefix
  // short of the total, and the final REPORT ends the listening anyway.
  #forgetReportedChunks(): void {
    const conn = this.#link?.connection;
    const chunks = this.#partialChunks;
    let n = 0;
    for (const { end } of chunks) {
      if (end > this.#reported || end >= this.size) break;
      n++;
    }
    if (n === 0) return;
    for (const { tid } of chunks.splice(0, n)) {
      conn?.forgetTransaction(tid);
      this.#tids.delete(tid);
    }
  }

  /** Stops listening for responses to this message's chunks (after its success REPORT, or giving up). */
  forgetTransactions(): void {
    const conn = this.#link?.connection;
    for (const tid of this.#tids) conn?.forgetTransaction(tid);
    this.#tids.clear();
    this.#partialChunks = [];
  }

  /** Called by the session when a REPORT names this message. */
  handleReport(report: MsrpReport): void {
    // RFC 4975 §7.1.2: a success REPORT's Byte-Range says which bytes arrived; one starting at
    // byte 1 confirms that prefix (a receiver may report parts of a message as they arrive).
    const range = report.byteRange;
    if (report.status?.code === 200 && range !== undefined && range.start === 1 && typeof range.end === 'number') {
      this.#reported = Math.max(this.#reported, Math.min(range.end, this.size));
      this.#forgetReportedChunks();
    }
    this.#options.onReport?.(report);
  }

  /** Fails the message (error response, timeout, dropped connection, abort). */
  fail(error: CpmError): void {
    if (this.#settled) {
      this.forgetTransactions();
      return;
    }
    this.#settled = true;
    this.#failed = true;
    this.#cleanup();
    this.#reject(error);
    this.#link?.wake();
  }

  /**
   * Stops sending. Chunks are written whole, so an abort always falls between two of them: we
   * send an empty chunk ending with '#' so the receiver learns of the abort (RFC 4975 §7.1).
   */
  abort(): void {
    void this.#endWithHash('no');
  }

  /**
   * Interrupts the message for good (the user cancelled it): no further chunk goes, and the
   * empty '#' chunk (RFC 4975 §7.1) is written after what is already queued on the connection,
   * before anything else. Resolves once the receiver answered that chunk (so the interruption is
   * on the wire and read), or the connection closed, or `timeoutMs` passed; at once when the
   * message had nothing to interrupt (no chunk sent yet, or its last chunk already written).
   */
  interrupt(timeoutMs = this.#options.transactionTimeoutMs ?? 30_000): Promise<void> {
    return this.#endWithHash('yes', timeoutMs);
  }

  #endWithHash(failureReport: 'yes' | 'no', timeoutMs = 0): Promise<void> {
    if (this.#settled) return Promise.resolve();
    const link = this.#link;
    const between = !this.#allWritten && this.#offset > 0;
    this.fail(new CpmError('ERR_MSRP_ABORTED', `message ${this.messageId} aborted`));
    if (link === undefined || !between || link.connection.closed) return Promise.resolve();
    const tid = chooseTransactionId([]);
    const conn = link.connection;
    const answered = failureReport === 'no' ? Promise.resolve() : new Promise<void>((resolve) => {
      // RFC 4975 §7.2: a request with Failure-Report other than `no` gets a response; its 200
      // proves the receiver read every chunk before it. A receiver that never answers, or a
      // connection that goes, ends the wait too: the interruption was all we could do.
      let cancel: CancelTimer | undefined;
      const done = (): void => { cancel?.(); conn.forgetTransaction(tid); resolve(); };
      cancel = schedule(link.clock, timeoutMs, done);
      conn.expectResponse(tid, done);
      conn.whenClosed().then(done, done);
    });
    conn.write([
      serializeRequestHead({
        transactionId: tid, method: 'SEND', toPath: link.toPath, fromPath: link.fromPath, messageId: this.messageId,
        byteRange: { start: this.#offset + 1, end: this.#offset, total: this.size },
        ...(failureReport === 'no' ? { failureReport: 'no' as const } : {}),
        contentType: this.#options.contentType,
      }),
      serializeEndLine(tid, '#', true),
    ]);
    return answered;
  }

  #cleanup(keepTransactions = false): void {
    for (const cancel of this.#inflight.values()) cancel();
    this.#inflight.clear();
    this.#inflightBytes = 0;
    if (!keepTransactions) this.forgetTransactions();
    void this.#reader.close().catch(() => {});
  }
}
