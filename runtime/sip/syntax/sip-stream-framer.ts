import { CpmError, fail, type Result } from '../../errors.ts';
import { defaultSipParseLimits, findHeaderEnd, parseSipMessage, quoteBytes, type SipParseLimits } from './parse-message.ts';
import type { SipMessage } from './sip-message.ts';

/** One framed message, or a failure. `fatal` failures break the stream (close the connection). */
export interface SipFramedItem {
  readonly result: Result<SipMessage>;
  /** The message bytes (for answering a request that failed to parse). */
  readonly raw: Buffer;
  readonly fatal: boolean;
}

/**
 * Cuts a byte stream (TCP/TLS) into SIP messages using Content-Length (RFC 3261 §18.3). CRLFs
 * between messages are keep-alives (RFC 5626 §3.5.1) and are skipped. After an error the framer
 * is broken: the stream cannot be resynchronised and the connection should be closed.
 */
export class SipStreamFramer {
  // The unconsumed bytes are storage[#head, #tail). Storage grows by doubling and is compacted in
  // place, so each received byte is copied a bounded number of times however small the reads are.
  #storage: Buffer = Buffer.alloc(0);
  #head = 0;
  #tail = 0;
  /**
   * Where the search for the blank line resumes (an index into storage). Everything before it
   * was searched already; a terminator can straddle reads, so the search restarts 3 bytes back.
   */
  #scanFrom = 0;
  /** The current message's framing, once its header section is complete (the body may not be). */
  #frame: { bodyStart: number; total: number } | undefined;
  #failed = false;
  readonly #limits: SipParseLimits;

  constructor(limits: Partial<SipParseLimits> = {}) {
    this.#limits = { ...defaultSipParseLimits, ...limits };
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#tail - this.#head;
  }

  /**
   * Adds bytes; returns every message now complete, in order. An error result is final. `raw` is
   * the message's bytes, for answering a request that failed to parse.
   */
  push(chunk: Buffer): SipFramedItem[] {
    if (this.#failed) return [];
    this.#append(chunk);
    const out: SipFramedItem[] = [];
    for (;;) {
      const storage = this.#storage;
      if (this.#frame === undefined) {
        // RFC 5626 §3.5.1: CRLFs between messages are keep-alives, not part of the next message.
        while (this.#head < this.#tail && (storage[this.#head] === 0x0d || storage[this.#head] === 0x0a)) this.#head++;
        if (this.#head === this.#tail) break;
        if (this.#scanFrom < this.#head) this.#scanFrom = this.#head;
        const live = storage.subarray(this.#head, this.#tail);
        const end = findHeaderEnd(live, this.#scanFrom - this.#head);
        if (end === undefined) {
          // A match needs up to 3 bytes (LF CR LF) of which the last may still be missing.
          this.#scanFrom = Math.max(this.#head, this.#tail - 3);
          if (live.length > this.#limits.maxMessageSize) out.push(this.#fail('ERR_SIP_MESSAGE_TOO_LARGE', 'header section exceeds the message size limit'));
          break;
        }
        const head = live.subarray(0, end.headerEnd).toString('latin1');
        // RFC 3261 §18.3: on a stream the body length comes from Content-Length (compact form l).
        const lengths = [...head.matchAll(/(?:^|\n)[ \t]*(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/gi)].map((m) => m[1]!.trim());
        if (lengths.length === 0) {
          out.push(this.#fail('ERR_SIP_CONTENT_LENGTH', 'Content-Length is mandatory on a stream transport'));
          break;
        }
        const value = lengths[0]!;
        if (!/^\d+$/.test(value)) {
          out.push(this.#fail('ERR_SIP_CONTENT_LENGTH', `invalid Content-Length ${quoteBytes(value)}`));
          break;
        }
        // Two Content-Length headers that disagree frame the stream two ways: a proxy in front
        // that reads the other one would pass on a request hidden in what we take as the body
        // (request smuggling). RFC 3261 §7.3.1 allows one value only: the message is refused and
        // the stream, whose next message boundary is unknown, is closed.
        if (lengths.some((l) => !/^\d+$/.test(l) || Number(l) !== Number(value))) {
          out.push(this.#fail('ERR_SIP_CONTENT_LENGTH', `conflicting Content-Length headers ${lengths.map(quoteBytes).join(', ')}`));
          break;
        }
        const total = end.bodyStart + Number(value);
        if (total > this.#limits.maxMessageSize) {
          out.push(this.#fail('ERR_SIP_MESSAGE_TOO_LARGE', `message of ${total} bytes exceeds ${this.#limits.maxMessageSize}`));
          break;
        }
        // Remembered so that a body arriving in small reads does not rescan the header section.
        this.#frame = { bodyStart: end.bodyStart, total };
      }
      const { total } = this.#frame;
      if (this.#tail - this.#head < total) break;
      const raw = Buffer.from(storage.subarray(this.#head, this.#head + total));
      this.#head += total;
      this.#frame = undefined;
      this.#scanFrom = this.#head;
      out.push({ result: parseSipMessage(raw, { limits: this.#limits, stream: true }), raw, fatal: false });
    }
    if (this.#head === this.#tail) this.#reset();
    return out;
  }

  /** Copies `chunk` after the held bytes, compacting or growing the storage when it is full. */
  #append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#tail + chunk.length > this.#storage.length) {
      const live = this.#tail - this.#head;
      const needed = live + chunk.length;
      if (needed <= this.#storage.length / 2) {
        // At least half the storage is free again: move the held bytes to the front. This copies
        // at most half the storage, after at least as many bytes were appended since the last move.
        this.#storage.copyWithin(0, this.#head, this.#tail);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(needed * 2, 4096));
        this.#storage.copy(grown, 0, this.#head, this.#tail);
        this.#storage = grown;
      }
      this.#scanFrom -= this.#head;
      this.#head = 0;
      this.#tail = live;
    }
    chunk.copy(this.#storage, this.#tail);
    this.#tail += chunk.length;
  }

  /** Nothing held: rewind, and let go of storage a large message made grow. */
  #reset(): void {
    this.#head = 0;
    this.#tail = 0;
    this.#scanFrom = 0;
    this.#frame = undefined;
    if (this.#storage.length > 64 * 1024) this.#storage = Buffer.alloc(0);
  }

  #fail(code: string, message: string): SipFramedItem {
    this.#failed = true;
    const raw = Buffer.from(this.#storage.subarray(this.#head, this.#tail));
    this.#storage = Buffer.alloc(0);
    this.#head = 0;
    this.#tail = 0;
    this.#scanFrom = 0;
    this.#frame = undefined;
    return { result: fail(new CpmError(code, message, { location: { source: 'sip-stream' } })), raw, fatal: true };
  }
}
