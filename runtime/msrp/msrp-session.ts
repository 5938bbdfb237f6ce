import { closingError, CpmError } from '../errors.ts';
import { type Clock, schedule, systemClock } from './clock.ts';
import { ReceivedRanges } from '../files/received-ranges.ts';
import { type IncomingMessageInfo, type MessageRefusal, type MessageRejection, type MessageSink, refusalOf } from './incoming-message.ts';
import type { MsrpBodyHandler, MsrpConnection } from './msrp-connection.ts';
import { LruMap } from './lru-map.ts';
import { formatMsrpPath, type MsrpUri } from './msrp-uri.ts';
import { type MessageSource, type MsrpReport, OutgoingMessage, type OutgoingLink, type OutgoingMessageOptions } from './outgoing-message.ts';
import { newMessageId, newTransactionId } from './random-id.ts';
import type { ByteRange, FailureReport } from './syntax/msrp-headers.ts';
import type { ContinuationFlag, MsrpRequestHead } from './syntax/msrp-parser.ts';
import { serializeReport, serializeRequest, serializeResponse } from './syntax/msrp-serializer.ts';

/** Implemented by the user of a session (the file-transfer layer). All methods optional. */
export interface MsrpSessionDelegate {
  /** A new incoming message: return a sink for its bytes, or a rejection status. Default: 415. */
  onMessageStart?(info: IncomingMessageInfo): MessageSink | MessageRejection;
  /** Every REPORT for this session (also passed to the message's own onReport). */
  onReport?(report: MsrpReport): void;
  /** The session's connection went away (or the session was closed). */
  onClose?(error: CpmError): void;
}

export interface MsrpSessionOptions {
  readonly delegate?: MsrpSessionDelegate;
  /** INTEROP item 4 / RFC 6714 style: match To-Path/From-Path by session id only. */
  readonly matchSessionIdOnly?: boolean;
  /** Incoming messages larger than this are refused with 413 (our a=max-size). */
  readonly maxMessageSize?: number;
  /** The peer's a=max-size when known at creation; see setPeerMaxSize(). */
  readonly peerMaxSize?: number;
  readonly clock?: Clock;
  /** Response timeout for the bind SEND of the active side, default 30 s. */
  readonly transactionTimeoutMs?: number;
  /** RFC 4976: our relay's Use-Path, set by the endpoint when it routes through a relay. */
  readonly relayPath?: readonly MsrpUri[];
  /**
   * How many refused Message-IDs to remember (least recently used forgotten first), default 1024.
   * Later chunks of a remembered message get the same refusal; a forgotten one is offered to the
   * delegate again as if new, which is harmless, while a peer cycling ids cannot grow memory.
   */
  readonly maxRememberedRefusals?: number;
  /**
   * Most disjoint byte ranges one incoming message may have at a time, default 1024. Chunks
   * arrive in order from honest senders, so gaps are few; above the cap the message is refused 413.
   */
  readonly maxRangesPerMessage?: number;
}

/** Default for MsrpSessionOptions.maxRangesPerMessage. */
export const DEFAULT_MAX_RANGES_PER_MESSAGE = 1024;

/** Default for MsrpSessionOptions.maxRememberedRefusals. */
export const DEFAULT_MAX_REMEMBERED_REFUSALS = 1024;

/** The endpoint's side of a session: what it needs to route requests and connect. */
export interface MsrpSessionHost {
  connect(uri: MsrpUri): Promise<MsrpConnection>;
  bind(session: MsrpSession, connection: MsrpConnection): void;
  release(session: MsrpSession): void;
}

type Incoming = {
  readonly info: IncomingMessageInfo;
  readonly sink: MessageSink;
  readonly ranges: ReceivedRanges;
  total: number | undefined;
  sawLast: boolean;
  failed: boolean;
  pending: Set<Promise<void>>;
  fromPath: readonly MsrpUri[];
  /** The end of the last progress REPORT sent (Failure-Report: partial with Success-Report: yes). */
  reportedUpTo: number;
  /** When that REPORT was sent (the session's clock), or the message started. */
  reportedAt: number;
};

/**
 * Under Failure-Report: partial no 200 tells the sender which chunks arrived, so a sender that
 * asked for success REPORTs gets progress REPORTs for the contiguous prefix (RFC 4975 §7.1.2 lets
 * a receiver report parts of a message): its progress and its resume point come from them. One
 * per PROGRESS_REPORT_BYTES of prefix; on a slow path, where that takes longer than
 * PROGRESS_REPORT_INTERVAL_MS, one per PROGRESS_REPORT_MIN_BYTES once the interval passed, so
 * progress still moves about four times a second. A REPORT per MiB cost both ends measurably on
 * a fast path (parsing and writing it, waking the other side; docs/benchmarks.md, lever 14).
 */
export const PROGRESS_REPORT_BYTES = 4 * 1024 * 1024;
export const PROGRESS_REPORT_MIN_BYTES = 1024 * 1024;
export const PROGRESS_REPORT_INTERVAL_MS = 250;

function isRejection(x: MessageSink | MessageRejection): x is MessageRejection {
  return typeof (x as MessageRejection).reject === 'number';
}

const DISCARD: MsrpBodyHandler = { data: () => {}, end: () => {} };

/**
 * One MSRP session (RFC 4975 §5): our URI, the peer's path, at most one bound connection,
 * outgoing messages multiplexed by a send loop and incoming messages delivered to sinks.
 */
export class MsrpSession {
  readonly id: string;
  readonly localUri: MsrpUri;
  readonly options: MsrpSessionOptions;
  readonly clock: Clock;
  #remotePath: readonly MsrpUri[] | undefined;
  #connection: MsrpConnection | undefined;
  readonly #host: MsrpSessionHost;
  readonly #outgoing = new Map<string, OutgoingMessage>();
  #queue: OutgoingMessage[] = [];
  readonly #incoming = new Map<string, Incoming>();
  readonly #rejected: LruMap<string, { readonly status: number; readonly comment?: string | undefined }>;
  #pumping = false;
  #wakeup: (() => void) | undefined;
  #link: OutgoingLink | undefined;
  #linkPath: readonly MsrpUri[] | undefined;
  #boundWaiters: { resolve: () => void; reject: (e: CpmError) => void }[] = [];
  #closed: CpmError | undefined;
  /** While connect() waits for the binding SEND's response: fails it when the connection goes. */
  #bindingLost: ((error: CpmError) => void) | undefined;
  #peerMaxSize: number | undefined;

  constructor(host: MsrpSessionHost, id: string, localUri: MsrpUri, options: MsrpSessionOptions = {}) {
    this.#host = host;
    this.id = id;
    this.localUri = localUri;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.#peerMaxSize = options.peerMaxSize;
    this.#rejected = new LruMap(options.maxRememberedRefusals ?? DEFAULT_MAX_REMEMBERED_REFUSALS);
  }

  /** How many refused Message-IDs the session currently remembers (bounded by maxRememberedRefusals). */
  get rememberedRefusals(): number { return this.#rejected.size; }

  /** The peer's a=max-size (RFC 4975 §8.6), learnt from its SDP after the session was created. */
  get peerMaxSize(): number | undefined { return this.#peerMaxSize; }
  setPeerMaxSize(size: number | undefined): void {
    this.#peerMaxSize = size;
  }

  /** RFC 4976 §6.1: our a=path, the relay's Use-Path (if any) followed by our own URI. */
  get localPath(): readonly MsrpUri[] { return [...(this.options.relayPath ?? []), this.localUri]; }
  /** Our a=path as text: our URI alone, or behind a relay the relay path followed by it. */
  get localPathText(): string { return formatMsrpPath(this.localPath); }

  // RFC 4976 §6.1: a client behind a relay addresses requests to its relay path followed by the
  // peer's a=path; without a relay the To-Path is the peer's a=path alone.
  #toPath(remote: readonly MsrpUri[]): readonly MsrpUri[] {
    const relay = this.options.relayPath;
    return relay === undefined ? remote : [...relay, ...remote];
  }
  get remotePath(): readonly MsrpUri[] | undefined { return this.#remotePath; }
  get connection(): MsrpConnection | undefined { return this.#connection; }

  /** The peer's a=path, learnt from SDP; needed before sending and for path checks. */
  setRemotePath(path: readonly MsrpUri[]): void {
    this.#remotePath = path;
  }

  // RFC 4975 §5.4: the active side opens the connection to the first URI of the peer's path
  // and sends a SEND at once (a bodiless one is fine) so the passive side can bind it.
  async connect(): Promise<void> {
    const path = this.#remotePath;
    const first = path?.[0];
    if (path === undefined || first === undefined) throw new CpmError('ERR_MSRP_NO_PATH', 'remote path not set');
    const conn = await this.#host.connect(this.options.relayPath?.[0] ?? first);
    this.#host.bind(this, conn);
    // Closed while the connection was being opened: nothing else would ever close that socket.
    // The closed session keeps no reference to it either (its 'close' reaches no session).
    if (this.#closed !== undefined) {
      this.#host.release(this);
      this.#connection = undefined;
      throw this.#closed;
    }
    const tid = newTransactionId();
    const timeoutMs = this.options.transactionTimeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      const cancel = schedule(this.clock, timeoutMs, () => {
        this.#bindingLost = undefined;
        conn.forgetTransaction(tid);
        reject(new CpmError('ERR_MSRP_TRANSACTION_TIMEOUT', 'no response to the binding SEND'));
      });
      // A peer that accepts and closes at once (or resets) is told as such, not after the
      // transaction timeout as a missing response.
      const lost = (error: CpmError): void => {
        cancel();
        conn.forgetTransaction(tid);
        reject(new CpmError(error.code, `${error.message} before the binding SEND was answered`, { cause: error }));
      };
      if (conn.closed) { lost(new CpmError('ERR_MSRP_CONNECTION_CLOSED', 'MSRP connection closed')); return; }
      this.#bindingLost = lost;
      conn.expectResponse(tid, (head) => {
        cancel();
        this.#bindingLost = undefined;
        if (head.status === 200) resolve();
        else reject(new CpmError('ERR_MSRP_BIND', `binding SEND refused: ${head.status} ${head.comment ?? ''}`.trim()));
      });
      conn.write(serializeRequest({ transactionId: tid, method: 'SEND', toPath: this.#toPath(path), fromPath: [this.localUri], messageId: newMessageId(), byteRange: { start: 1, end: 0, total: 0 } }));
    });
  }

  /** Passive side: resolves when the peer's first request bound a connection to us. */
  waitBound(): Promise<void> {
    if (this.#connection !== undefined) return Promise.resolve();
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => this.#boundWaiters.push({ resolve, reject }));
  }

  /** Called by the endpoint when a connection becomes this session's. */
  attach(connection: MsrpConnection): void {
    this.#connection = connection;
    const waiters = this.#boundWaiters;
    this.#boundWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /** Sends one message; returns at once, progress and outcome are on the returned object. */
  send(source: MessageSource, options: OutgoingMessageOptions): OutgoingMessage {
    const peerMax = this.#peerMaxSize;
    const message = new OutgoingMessage(source, options.messageId ?? newMessageId(), options, peerMax);
    if (this.#closed) {
      message.fail(this.#closed);
      return message;
    }
    // RFC 4975 §8.6: a=max-size bounds a whole message (a chunk is never larger than its message),
    // and the sender ought not to exceed it; such a message fails here, before any byte is sent.
    if (peerMax !== undefined && options.size > peerMax) {
      message.fail(new CpmError('ERR_MSRP_PEER_MAX_SIZE', `message of ${options.size} bytes exceeds the peer's a=max-size of ${peerMax} bytes`));
      return message;
    }
    this.#outgoing.set(message.messageId, message);
    this.#queue.push(message);
    void this.#pump();
    return message;
  }

  // RFC 4975 §7.1.1: several messages may be in progress on a session; chunks of different
  // messages interleave. The loop sends one chunk at a time, round-robin over the messages
  // whose window has room, so a large message yields to a new one at every chunk boundary.
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        this.#queue = this.#queue.filter((m) => !m.finishedSending);
        if (this.#queue.length === 0 || this.#closed) return;
        const conn = this.#connection;
        const path = this.#remotePath;
        if (conn === undefined || path === undefined) {
          await new Promise<void>((r) => { this.#wakeup = r; void this.waitBound().then(r, r); });
          continue;
        }
        const index = this.#queue.findIndex((m) => m.ready());
        const message = this.#queue[index];
        if (message === undefined) {
          await new Promise<void>((r) => { this.#wakeup = r; });
          continue;
        }
        this.#queue.splice(index, 1);
        this.#queue.push(message);
        await message.sendNextChunk(this.#linkFor(conn, path));
      }
    } finally {
      this.#pumping = false;
    }
  }

  // One link per connection and path, so a message formats its chunk heads once (OutgoingMessage).
  #linkFor(connection: MsrpConnection, path: readonly MsrpUri[]): OutgoingLink {
    const link = this.#link;
    if (link !== undefined && link.connection === connection && this.#linkPath === path) return link;
    this.#linkPath = path;
    return (this.#link = { connection, toPath: this.#toPath(path), fromPath: [this.localUri], clock: this.clock, wake: () => this.#wake() });
  }

  #wake(): void {
    const w = this.#wakeup;
    this.#wakeup = undefined;
    w?.();
  }

  /** Called by the endpoint for every request routed to this session. */
  handleRequest(conn: MsrpConnection, head: MsrpRequestHead): MsrpBodyHandler | undefined {
    if (head.method === 'REPORT') {
      this.#handleReport(head);
      return undefined;
    }
    return this.#handleSend(conn, head);
  }

  // RFC 4975 §7.1.2: a REPORT is delivered to whoever sent the message and never answered.
  #handleReport(head: MsrpRequestHead): void {
    const h = head.headers;
    if (h.messageId === undefined) return;
    const report: MsrpReport = { messageId: h.messageId, byteRange: h.byteRange, status: h.status };
    this.#outgoing.get(h.messageId)?.handleReport(report);
    this.options.delegate?.onReport?.(report);
  }

  // RFC 4975 §7.2: responses go back one hop and depend on Failure-Report: `no` means never
  // answer, `partial` means answer errors only, `yes` (the default) means always answer.
  respond(conn: MsrpConnection, head: MsrpRequestHead, status: number, comment?: string): void {
    const fr: FailureReport = head.headers.failureReport ?? 'yes';
    if (fr === 'no' || (fr === 'partial' && status === 200)) return;
    const prev = head.headers.fromPath[0];
    conn.reply([serializeResponse({
      transactionId: head.transactionId, status, toPath: prev === undefined ? [] : [prev], fromPath: [this.localUri],
      ...(comment === undefined ? {} : { comment }),
    })]);
  }

  #handleSend(conn: MsrpConnection, head: MsrpRequestHead): MsrpBodyHandler {
    const h = head.headers;
    // RFC 4975 §7.1 / §5.4: a SEND without content (the binding SEND, keep-alives) only gets its 200.
    if (!head.hasBody && h.contentType === undefined) {
      return { data: () => {}, end: () => this.respond(conn, head, 200) };
    }
    // RFC 4975 §7.3: a SEND carrying content must name its message.
    const messageId = h.messageId;
    if (messageId === undefined) {
      this.respond(conn, head, 400, 'Missing Message-ID');
      return DISCARD;
    }
    const range: ByteRange = h.byteRange ?? { start: 1, end: '*', total: '*' };
    // RFC 4975 §7.3.1: the range must fit the declared total; a receiver cannot place bytes
    // beyond it, so such a chunk is refused as malformed.
    if (range.total !== '*' && range.end !== '*' && range.end > range.total) {
      this.respond(conn, head, 400, 'Byte-Range beyond total');
      return DISCARD;
    }
    const previouslyRejected = this.#rejected.get(messageId);
    if (previouslyRejected !== undefined) {
      this.respond(conn, head, previouslyRejected.status, previouslyRejected.comment);
      return DISCARD;
    }
    let msg = this.#incoming.get(messageId);
    if (msg === undefined) {
      const created = this.#startIncoming(conn, head, messageId, range);
      if (created === undefined) return DISCARD;
      msg = created;
    }
    return this.#chunkHandler(conn, head, msg, range);
  }

  #startIncoming(conn: MsrpConnection, head: MsrpRequestHead, messageId: string, range: ByteRange): Incoming | undefined {
    const h = head.headers;
    const size = range.total === '*' ? undefined : range.total;
    const max = this.options.maxMessageSize;
    // RFC 4975 §7.3 / §10.5: 413 tells the sender to stop sending this message.
    if (max !== undefined && size !== undefined && size > max) {
      this.#rejected.set(messageId, { status: 413 });
      this.respond(conn, head, 413);
      return undefined;
    }
    const info: IncomingMessageInfo = {
      messageId, contentType: h.contentType, size, successReport: h.successReport === 'yes',
      failureReport: h.failureReport ?? 'yes', headers: h,
    };
    const decision = this.options.delegate?.onMessageStart?.(info) ?? { reject: 415 };
    if (isRejection(decision)) {
      this.#rejected.set(messageId, { status: decision.reject, comment: decision.comment });
      this.respond(conn, head, decision.reject, decision.comment);
      return undefined;
    }
    const msg: Incoming = {
      info, sink: decision, ranges: new ReceivedRanges(), total: size, sawLast: false, failed: false,
      pending: new Set(), fromPath: h.fromPath, reportedUpTo: 0, reportedAt: this.clock.now(),
    };
    this.#incoming.set(messageId, msg);
    return msg;
  }

  #chunkHandler(conn: MsrpConnection, head: MsrpRequestHead, msg: Incoming, range: ByteRange): MsrpBodyHandler {
    let position = range.start;
    let answered = false;
    const max = this.options.maxMessageSize;
    const ranges = this.options.maxRangesPerMessage ?? DEFAULT_MAX_RANGES_PER_MESSAGE;
    // A view into the connection's reused read buffer is only valid during this call: a sink
    // that may keep the bytes gets its own copy (MessageSink.consumesSynchronously).
    const copy = conn.borrowsReads && msg.sink.consumesSynchronously !== true;
    // RFC 4975 §7.2: a chunk the receiver cannot take gets an error response rather than its
    // 200, so the sender never counts those bytes as delivered; later chunks of the same message
    // get the same answer. The sink chooses status and comment (refusalOf), the sender shows them.
    const failWith = (status: number, comment?: string) => {
      if (msg.failed) return;
      msg.failed = true;
      this.#rejected.set(msg.info.messageId, { status, comment });
      this.#incoming.delete(msg.info.messageId);
      if (!answered) { answered = true; this.respond(conn, head, status, comment); }
      // The sink hears that we refused the message (not that the sender gave it up).
      const refusal: MessageRefusal = { status, comment: comment ?? `refused with ${status}` };
      void Promise.all(msg.pending).finally(() => msg.sink.end('#', refusal)).catch(() => {});
    };
    // RFC 4975 §7.3.1: every chunk of one message carries the same total; a chunk naming another
    // total than an earlier one describes a different message: malformed, 400.
    if (range.total !== '*' && msg.total !== undefined && range.total !== msg.total) {
      failWith(400, `Byte-Range total ${range.total} differs from the earlier ${msg.total}`);
      return DISCARD;
    }
    if (range.total !== '*') msg.total = range.total;
    return {
      data: (chunk) => {
        if (msg.failed) return;
        const at = position;
        position += chunk.length;
        if (max !== undefined && position - 1 > max) { failWith(413); return; }
        if (range.end !== '*' && position - 1 > range.end) { failWith(400); return; }
        // RFC 4975 §7.3.1: bytes past the message's declared total cannot be placed: malformed.
        if (msg.total !== undefined && position - 1 > msg.total) { failWith(400, 'Byte-Range beyond total'); return; }
        msg.ranges.add(at, position - 1);
        // RFC 4975 §7.3.1 lets chunks arrive in any order, but each gap costs us memory; a message
        // fragmented beyond the cap is refused with 413, which tells the sender to stop sending it.
        if (msg.ranges.count > ranges) { failWith(413, 'too many disjoint byte ranges'); return; }
        let result: void | Promise<void>;
        try { result = msg.sink.write(at, copy ? Buffer.from(chunk) : chunk); } catch (error) { const r = refusalOf(error); failWith(r.status, r.comment); return; }
        if (result instanceof Promise) {
          // Sink backpressure: stop reading the socket until the sink caught up.
          conn.pause();
          const p: Promise<void> = result.then(
            () => { msg.pending.delete(p); conn.resume(); },
            (error: unknown) => { msg.pending.delete(p); conn.resume(); const r = refusalOf(error); failWith(r.status, r.comment); },
          );
          msg.pending.add(p);
        }
      },
      end: (flag: ContinuationFlag) => {
        if (msg.failed) return;
        // RFC 4975 §7.1: '#' means the sender gave the message up.
        if (flag === '#') {
          this.#incoming.delete(msg.info.messageId);
          answered = true;
          this.respond(conn, head, 200);
          msg.failed = true;
          void Promise.all(msg.pending).finally(() => msg.sink.end('#')).catch(() => {});
          return;
        }
        if (flag === '$') {
          msg.sawLast = true;
          if (msg.total === undefined) msg.total = position - 1;
        }
        const accept = (): void => {
          if (msg.failed) return;
          answered = true;
          this.respond(conn, head, 200);
          if (msg.info.failureReport === 'partial' && msg.info.successReport) this.#reportProgress(conn, msg);
          this.#maybeCompleteIncoming(conn, msg);
        };
        // Answered at once when the sink holds nothing back, so the 200 joins the other
        // responses of this event-loop turn in one corked write (msrp-connection.ts).
        if (msg.pending.size === 0) accept();
        else void Promise.all(msg.pending).then(accept);
      },
    };
  }

  // A success REPORT for bytes 1..n, n short of the total: the whole-message REPORT is only sent
  // once the sink accepted the complete message (#maybeCompleteIncoming).
  #reportProgress(conn: MsrpConnection, msg: Incoming): void {
    const upTo = msg.ranges.prefixEnd;
    const grown = upTo - msg.reportedUpTo;
    if (grown < PROGRESS_REPORT_MIN_BYTES || conn.closed) return;
    if (msg.total === undefined || upTo >= msg.total) return;
    const now = this.clock.now();
    if (grown < PROGRESS_REPORT_BYTES && now - msg.reportedAt < PROGRESS_REPORT_INTERVAL_MS) return;
    msg.reportedUpTo = upTo;
    msg.reportedAt = now;
    conn.reply([serializeReport({
      transactionId: newTransactionId(), toPath: msg.fromPath, fromPath: [this.localUri], messageId: msg.info.messageId,
      byteRange: { start: 1, end: upTo, total: msg.total }, status: { namespace: 0, code: 200, reason: 'OK' },
    })]);
  }

  #maybeCompleteIncoming(conn: MsrpConnection, msg: Incoming): void {
    const total = msg.total;
    if (!msg.sawLast || total === undefined || !msg.ranges.covers(total)) return;
    if (!this.#incoming.has(msg.info.messageId)) return;
    this.#incoming.delete(msg.info.messageId);
    void Promise.resolve()
      .then(() => msg.sink.end('$'))
      .then(() => {
        // RFC 4975 §7.1.2: with Success-Report: yes the receiver confirms the whole message in
        // one REPORT whose Byte-Range covers all of it and whose Status is 000 200.
        if (!msg.info.successReport || conn.closed) return;
        conn.reply([serializeReport({
          transactionId: newTransactionId(), toPath: msg.fromPath, fromPath: [this.localUri], messageId: msg.info.messageId,
          byteRange: { start: 1, end: total, total }, status: { namespace: 0, code: 200, reason: 'OK' },
        })]);
      }, (error: unknown) => {
        // RFC 4975 §7.1.2: a receiver that cannot deliver a message after answering its chunks
        // tells the sender in a REPORT with an error Status, unless the sender's Failure-Report
        // said `no`; `partial` asks for exactly such negative reports. The Byte-Range names the
        // bytes that failed: here the whole message.
        if (msg.info.failureReport === 'no' || conn.closed) return;
        const { status, comment } = refusalOf(error);
        conn.reply([serializeReport({
          transactionId: newTransactionId(), toPath: msg.fromPath, fromPath: [this.localUri], messageId: msg.info.messageId,
          byteRange: { start: 1, end: total, total }, status: { namespace: 0, code: status, reason: comment },
        })]);
      });
  }

  /** The bound connection closed: every message in progress on it fails. */
  connectionLost(error: CpmError): void {
    this.#connection = undefined;
    const bindingLost = this.#bindingLost;
    this.#bindingLost = undefined;
    bindingLost?.(error);
    for (const m of this.#outgoing.values()) m.fail(error);
    for (const msg of this.#incoming.values()) {
      msg.failed = true;
      void Promise.resolve().then(() => msg.sink.end('#')).catch(() => {});
    }
    this.#incoming.clear();
    const waiters = this.#boundWaiters;
    this.#boundWaiters = [];
    for (const w of waiters) w.reject(error);
    this.#wake();
    this.options.delegate?.onClose?.(error);
  }

  /**
   * Interrupts every message this session is sending (OutgoingMessage.interrupt): each ends with
   * a '#' chunk written before anything else of it, and no further chunk goes. Resolves once the
   * receiver answered those chunks (or could not), so a caller can release the session after.
   */
  interrupt(timeoutMs?: number): Promise<void> {
    return Promise.all([...this.#outgoing.values()].map((m) => m.interrupt(timeoutMs))).then(() => undefined);
  }

  /**
   * Closes the session and resolves once its connection, if no other session needs it, is gone:
   * ended after every queued byte went out and the peer closed its side too (or the linger of
   * MsrpConnection.close ran out), so a process that exits next does not reset it.
   */
  closeGracefully(): Promise<void> {
    const conn = this.#connection;
    this.close();
    return conn === undefined || !conn.closed ? Promise.resolve() : conn.whenClosed();
  }

  /** Ends the session: fails what is in progress and releases it from the endpoint. */
  close(): void {
    if (this.#closed) return;
    const err = closingError('ERR_MSRP_SESSION_CLOSED', `MSRP session ${this.id} closed`);
    this.#closed = err;
    const conn = this.#connection;
    this.#host.release(this);
    if (conn !== undefined) this.connectionLost(err);
    else for (const w of this.#boundWaiters.splice(0)) w.reject(err);
  }
}
