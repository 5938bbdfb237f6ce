import { CpmError, fail, type Result } from '../../errors.ts';
import { defaultSipParseLimits, findHeaderEnd, parseSipMessage, type SipParseLimits } from './parse-message.ts';
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
  #buffer: Buffer = Buffer.alloc(0);
  #failed = false;
  readonly #limits: SipParseLimits;

  constructor(limits: Partial<SipParseLimits> = {}) {
    this.#limits = { ...defaultSipParseLimits, ...limits };
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Adds bytes; returns every message now complete, in order. An error result is final. `raw` is
   * the message's bytes, for answering a request that failed to parse.
   */
  push(chunk: Buffer): SipFramedItem[] {
    if (this.#failed) return [];
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const out: SipFramedItem[] = [];
    for (;;) {
      let start = 0;
      while (start < this.#buffer.length && (this.#buffer[start] === 0x0d || this.#buffer[start] === 0x0a)) start++;
      if (start > 0) this.#buffer = this.#buffer.subarray(start);
      if (this.#buffer.length === 0) break;
      const end = findHeaderEnd(this.#buffer);
      if (end === undefined) {
        if (this.#buffer.length > this.#limits.maxMessageSize) out.push(this.#fail('ERR_SIP_MESSAGE_TOO_LARGE', 'header section exceeds the message size limit'));
        break;
      }
      const head = this.#buffer.subarray(0, end.headerEnd).toString('latin1');
      const cl = /(?:^|\n)[ \t]*(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
      if (cl === null) {
        out.push(this.#fail('ERR_SIP_CONTENT_LENGTH', 'Content-Length is mandatory on a stream transport'));
        break;
      }
      const value = cl[1]!.trim();
      if (!/^\d+$/.test(value)) {
        out.push(this.#fail('ERR_SIP_CONTENT_LENGTH', `invalid Content-Length ${JSON.stringify(value)}`));
        break;
      }
      const total = end.bodyStart + Number(value);
      if (total > this.#limits.maxMessageSize) {
        out.push(this.#fail('ERR_SIP_MESSAGE_TOO_LARGE', `message of ${total} bytes exceeds ${this.#limits.maxMessageSize}`));
        break;
      }
      if (this.#buffer.length < total) break;
      const raw = Buffer.from(this.#buffer.subarray(0, total));
      this.#buffer = this.#buffer.subarray(total);
      out.push({ result: parseSipMessage(raw, { limits: this.#limits, stream: true }), raw, fatal: false });
    }
    return out;
  }

  #fail(code: string, message: string): SipFramedItem {
    this.#failed = true;
    const raw = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return { result: fail(new CpmError(code, message, { location: { source: 'sip-stream' } })), raw, fatal: true };
  }
}

