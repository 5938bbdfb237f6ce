import type { Socket } from 'node:net';
import { closingError, CpmError } from '../errors.ts';
import { type CancelTimer, type Clock, schedule, systemClock } from './clock.ts';
import { MsrpParser, type ContinuationFlag, type MsrpParserLimits, type MsrpRequestHead, type MsrpResponseHead } from './syntax/msrp-parser.ts';
import { parseMsrpPath } from './msrp-uri.ts';
import { serializeResponse } from './syntax/msrp-serializer.ts';
import type { BorrowedReads } from './reused-read-buffer.ts';

/** Where the body and end of one incoming request go. */
export interface MsrpBodyHandler {
  data(chunk: Buffer): void;
  end(flag: ContinuationFlag): void;
}

/** Implemented by the endpoint: routes requests to sessions and learns about closes. */
export interface MsrpConnectionDelegate {
  request(connection: MsrpConnection, head: MsrpRequestHead): MsrpBodyHandler | undefined;
  closed(connection: MsrpConnection, error: CpmError): void;
}

/** How long close() lets queued bytes (an error response) flush before the socket is destroyed. */
export const CLOSE_LINGER_MS = 1000;

/** Bounds on what we queue toward a peer in reply to its requests (responses and REPORTs). */
export interface MsrpReplyLimits {
  /**
   * Reply bytes waiting in our process for the socket (the kernel's buffer is full) beyond which
   * the connection stops being read. Default DEFAULT_MSRP_MAX_QUEUED_REPLY_BYTES (256 KiB):
   * enough for ~2,500 responses, far more than a sender's window keeps unanswered.
   */
  readonly maxQueuedReplyBytes: number;
  /** A connection whose replies stay over the bound this long is dropped. Default 10 s. */
  readonly replyDrainTimeoutMs: number;
}

export const DEFAULT_MSRP_MAX_QUEUED_REPLY_BYTES = 256 * 1024;
export const DEFAULT_MSRP_REPLY_DRAIN_TIMEOUT_MS = 10_000;

const DISCARD: MsrpBodyHandler = { data: () => {}, end: () => {} };

/**
 * One TCP or TLS connection: runs the parser over the socket, hands requests to the delegate,
 * routes responses to the transaction that waits for them, and gives writers backpressure.
 */
export class MsrpConnection {
  readonly socket: Socket;
  readonly #delegate: MsrpConnectionDelegate;
  readonly #parser: MsrpParser;
  readonly #waiters = new Map<string, (head: MsrpResponseHead) => void>();
  #handler: MsrpBodyHandler = DISCARD;
  #pauses = 0;
  #closeError: CpmError | undefined;
  #drainWaiters: { resolve: () => void; reject: (e: CpmError) => void }[] = [];
  #cancelLinger: CancelTimer | undefined;
  readonly #clock: Clock;
  #corked = false;
  readonly #replyLimits: MsrpReplyLimits;
  /** Reply bytes handed to the socket and not yet passed to the kernel. */
  #queuedReplyBytes = 0;
  /** Set while reading is paused for replies the peer does not take: drops the connection when it fires. */
  #cancelReplyWait: CancelTimer | undefined;

  /** Reads arrive as views into a reused buffer (reused-read-buffer.ts), valid during the call only. */
  readonly borrowsReads: boolean;

  constructor(socket: Socket, delegate: MsrpConnectionDelegate, limits: Partial<MsrpParserLimits> = {}, clock: Clock = systemClock, reads?: BorrowedReads, replyLimits: Partial<MsrpReplyLimits> = {}) {
    this.socket = socket;
    this.#clock = clock;
    this.#replyLimits = {
      maxQueuedReplyBytes: replyLimits.maxQueuedReplyBytes ?? DEFAULT_MSRP_MAX_QUEUED_REPLY_BYTES,
      replyDrainTimeoutMs: replyLimits.replyDrainTimeoutMs ?? DEFAULT_MSRP_REPLY_DRAIN_TIMEOUT_MS,
    };
    this.#delegate = delegate;
    this.#parser = new MsrpParser({
      head: (head) => {
        if (head.kind === 'request') {
          this.#handler = this.#delegate.request(this, head) ?? DISCARD;
        } else {
          this.#handler = DISCARD;
          const waiter = this.#waiters.get(head.transactionId);
          this.#waiters.delete(head.transactionId);
          // A response nobody waits for (late, or after Failure-Report: no) is dropped.
          waiter?.(head);
        }
      },
      body: (data) => this.#handler.data(data),
      end: (flag) => {
        const h = this.#handler;
        this.#handler = DISCARD;
        h.end(flag);
      },
    }, limits);
    socket.setNoDelay(true);
    this.borrowsReads = reads !== undefined;
    if (reads !== undefined) reads.attach((data, borrowed) => this.#receive(data, borrowed));
    else socket.on('data', (data: Buffer) => this.#receive(data, false));
    socket.on('drain', () => this.#flushDrainWaiters());
    socket.on('error', (e) => { this.#closeError ??= new CpmError('ERR_MSRP_CONNECTION', `MSRP connection error: ${e.message}`, { cause: e }); });
    socket.on('close', () => {
      const err = this.#closeError ?? new CpmError('ERR_MSRP_CONNECTION_CLOSED', 'MSRP connection closed');
      this.#closeError = err;
      this.#cancelLinger?.();
      this.#cancelLinger = undefined;
      this.#cancelReplyWait?.();
      this.#cancelReplyWait = undefined;
      for (const w of this.#drainWaiters) w.reject(err);
      this.#drainWaiters = [];
      this.#waiters.clear();
      this.#delegate.closed(this, err);
    });
  }

  #receive(data: Buffer, borrowed: boolean): void {
    if (this.#closeError) return;
    this.#corkUntilCheckPhase();
    const r = this.#parser.feed(data, borrowed);
    if (r.ok) return;
    const err = r.error;
    // RFC 4975 §7.3: a request we cannot understand gets a 400 when we know its transaction;
    // REPORTs are never answered. We cannot find the next message boundary, so we close.
    // Without both paths the response could not be addressed, so none is sent.
    const to = parseMsrpPath(err.paths.to ?? '');
    const from = parseMsrpPath(err.paths.from ?? '');
    if (err.transactionId !== undefined && err.method !== undefined && err.method !== 'REPORT' && to.ok && from.ok) {
      this.reply([serializeResponse({ transactionId: err.transactionId, status: 400, toPath: from.value.slice(0, 1), fromPath: to.value.slice(0, 1) })]);
    }
    this.close(err);
  }

  // libuv hands us up to 32 reads per poll; everything written while they are handled (the 200
  // for each chunk, the sender's next chunks) goes out in one writev in the check phase of the
  // same loop iteration. Bench profile: one loopback write per 200 cost ~0.1 ms of the receiver's
  // main thread, a seventh of its time.
  #corkUntilCheckPhase(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.socket.cork();
    setImmediate(this.#uncork);
  }

  readonly #uncork = (): void => {
    this.#corked = false;
    this.socket.uncork();
  };

  /**
   * Names why the socket is about to close, before its own error or close does (a TLS peer that
   * refused our certificate); the first cause given is the one the connection closes with.
   */
  closingBecause(error: CpmError): void {
    this.#closeError ??= error;
  }

  get closed(): boolean {
    return this.#closeError !== undefined || this.socket.destroyed;
  }

  /** Registers the callback for the response to `transactionId` (one response per transaction). */
  expectResponse(transactionId: string, onResponse: (head: MsrpResponseHead) => void): void {
    this.#waiters.set(transactionId, onResponse);
  }

  /** Transactions whose response is still awaited (for leak checks: each holds a callback). */
  get awaitedResponses(): number {
    return this.#waiters.size;
  }

  forgetTransaction(transactionId: string): void {
    this.#waiters.delete(transactionId);
  }

  /**
   * Writes buffers back to back in one writev; false means the socket wants a 'drain' first.
   * `onFlushed` runs once the buffers are no longer referenced: handed to the kernel, or
   * dropped because the connection failed.
   */
  write(buffers: readonly Buffer[], onFlushed?: () => void): boolean {
    const done = onFlushed === undefined ? undefined : (): void => onFlushed();
    if (this.closed) {
      if (done !== undefined) queueMicrotask(done);
      return false;
    }
    if (buffers.length === 1) return this.socket.write(buffers[0]!, done);
    let last = -1;
    for (let i = 0; i < buffers.length; i++) if (buffers[i]!.length > 0) last = i;
    if (last < 0) {
      if (done !== undefined) queueMicrotask(done);
      return !this.socket.writableNeedDrain;
    }
    this.socket.cork();
    // A stream calls write callbacks in order, so the last one means all of them went out.
    for (let i = 0; i <= last; i++) if (buffers[i]!.length > 0) this.socket.write(buffers[i]!, i === last ? done : undefined);
    this.socket.uncork();
    return !this.socket.writableNeedDrain;
  }

  /** Resolves once the socket has closed (the peer's end as well as ours), never rejects. */
  whenClosed(): Promise<void> {
    if (this.socket.destroyed || this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  /**
   * Writes a response or REPORT: something the peer's own requests made us send, so a peer that
   * sends without reading its replies would grow this queue without end (a 1-byte SEND costs it
   * ~150 bytes and us a ~100-byte 200 plus its write request). Past maxQueuedReplyBytes the
   * connection stops being read, so the peer can send no more until it reads; if it still does
   * not within replyDrainTimeoutMs it is dropped, which fails its sessions like any lost
   * connection. Our own outgoing data is not counted: its writer waits for 'drain' itself, and
   * pausing reads for it would stop us reading the very responses the peer needs to send.
   */
  reply(buffers: readonly Buffer[]): void {
    if (this.closed) return;
    let bytes = 0;
    for (const b of buffers) bytes += b.length;
    this.#queuedReplyBytes += bytes;
    this.write(buffers, () => {
      this.#queuedReplyBytes -= bytes;
      // Resume at half the bound, so a peer reading slowly is not paused and resumed per reply.
      if (this.#cancelReplyWait !== undefined && this.#queuedReplyBytes <= this.#replyLimits.maxQueuedReplyBytes / 2) {
        this.#cancelReplyWait();
        this.#cancelReplyWait = undefined;
        this.resume();
      }
    });
    if (this.#cancelReplyWait === undefined && this.#queuedReplyBytes > this.#replyLimits.maxQueuedReplyBytes && !this.closed) {
      this.pause();
      const { maxQueuedReplyBytes, replyDrainTimeoutMs } = this.#replyLimits;
      this.#cancelReplyWait = schedule(this.#clock, replyDrainTimeoutMs, () => {
        this.#cancelReplyWait = undefined;
        this.destroy(new CpmError('ERR_MSRP_PEER_NOT_READING', `the peer did not read its MSRP responses: more than ${maxQueuedReplyBytes} bytes waited for ${replyDrainTimeoutMs} ms; connection dropped`));
      });
    }
  }

  /** Reply bytes waiting for the socket (diagnostics and tests). */
  get queuedReplyBytes(): number {
    return this.#queuedReplyBytes;
  }

  /** Resolves once the socket's buffer has drained; rejects if the connection closes first. */
  waitDrain(): Promise<void> {
    if (this.#closeError) return Promise.reject(this.#closeError);
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
  }

  #flushDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /** Receive-side backpressure: reads stop while at least one pause is outstanding. */
  pause(): void {
    if (this.#pauses++ === 0) this.socket.pause();
  }

  resume(): void {
    if (this.#pauses > 0 && --this.#pauses === 0) this.socket.resume();
  }

  close(error?: CpmError): void {
    this.#closeError ??= error ?? closingError('ERR_MSRP_CONNECTION_CLOSED', 'MSRP connection closed locally');
    // end() lets a queued error response go out; the timer makes sure the socket really goes.
    this.socket.end();
    if (!this.socket.destroyed && this.#cancelLinger === undefined) {
      this.#cancelLinger = schedule(this.#clock, CLOSE_LINGER_MS, () => this.socket.destroy());
    }
  }

  /** Drops the connection at once, without flushing. */
  destroy(error?: CpmError): void {
    this.#closeError ??= error ?? closingError('ERR_MSRP_CONNECTION_CLOSED', 'MSRP connection closed locally');
    this.socket.destroy();
  }
}
