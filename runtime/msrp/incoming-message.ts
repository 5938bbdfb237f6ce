import { CpmError } from '../errors.ts';
import type { MsrpHeaders } from './syntax/msrp-headers.ts';

/** What the session tells its user about a message whose first chunk arrived. */
export interface IncomingMessageInfo {
  readonly messageId: string;
  readonly contentType: string | undefined;
  /** Total size from Byte-Range, undefined when the sender wrote `*`. */
  readonly size: number | undefined;
  readonly successReport: boolean;
  readonly failureReport: 'yes' | 'no' | 'partial';
  readonly headers: MsrpHeaders;
}

/**
 * Receives one message's bytes. `write` gets the 1-based position of the first byte
 * (Byte-Range numbering); returning a promise pauses the connection until it settles, and a
 * rejected promise (or a throw) fails the message: the chunk gets an error response instead of
 * its 200. `end` gets '$' once every byte arrived, or '#' when the sender aborted or the
 * connection dropped; a rejected end('$') is reported to the sender in a failure REPORT.
 * `refusal` comes with '#' when it was this side that refused the message (a chunk past the
 * declared total, too many disjoint ranges, a sink error), so the cause can be told truthfully.
 * Throw a MessageRefusedError to choose the status and comment; anything else is answered 413.
 */
export interface MessageSink {
  /**
   * True when write() is done with `data` once it returns (copied or hashed, never kept): the
   * session may then pass a view into a reused socket read buffer (reused-read-buffer.ts).
   * Otherwise such bytes are copied for it first.
   */
  readonly consumesSynchronously?: boolean;
  write(position: number, data: Buffer): void | Promise<void>;
  end(flag: '$' | '#', refusal?: MessageRefusal): void | Promise<void>;
}

/** The error response this side answered a message's chunk with, ending the message. */
export interface MessageRefusal {
  readonly status: number;
  readonly comment: string;
}

/** Answer to onMessageStart that refuses the message with an MSRP status (403, 413, 415 ...). */
export interface MessageRejection {
  readonly reject: number;
  readonly comment?: string;
}

/**
 * Thrown (or rejected with) by a sink to say how the sender is told: the MSRP status of the error
 * response or failure REPORT, and a short comment naming the cause. RFC 4975 §10 defines 400, 403,
 * 408, 413, 415, 423, 481, 501 and 506; a sink picks among them (413: stop sending this message,
 * 481: the session it was sent in is gone, 400: what arrived is not what was announced).
 */
export class MessageRefusedError extends CpmError {
  readonly status: number;
  readonly comment: string;
  constructor(status: number, comment: string, options: { cause?: unknown } = {}) {
    super('ERR_MSRP_MESSAGE_REFUSED', `${status} ${comment}`, options);
    this.name = 'MessageRefusedError';
    this.status = status;
    this.comment = comment;
  }
}

/** Status and comment an error from a sink becomes; 413 (stop sending) for unexpected errors. */
export function refusalOf(error: unknown): { readonly status: number; readonly comment: string } {
  if (error instanceof MessageRefusedError) return { status: error.status, comment: error.comment };
  return { status: 413, comment: 'the receiver cannot take the message' };
}
