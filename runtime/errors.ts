// One base error for the whole runtime: a stable machine-readable `code` (Node style,
// e.g. ERR_SIP_PARSE), an optional location in the input that caused it, and the usual `cause`.

export interface ErrorLocation {
  /** What was being read: 'sip', 'sdp', 'msrp', a file path, ... */
  readonly source?: string;
  /** 1-based line in the input, when known. */
  readonly line?: number;
  /** 1-based column in the input, when known. */
  readonly column?: number;
  /** 0-based byte offset in the input, when known. */
  readonly offset?: number;
}

export class CpmError extends Error {
  readonly code: string;
  readonly location: ErrorLocation | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; location?: ErrorLocation } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CpmError';
    this.code = code;
    this.location = options.location;
  }
}

/**
 * A CpmError with no stack trace, for the ordinary end of something we closed ourselves (an MSRP
 * session, a connection): every session makes a few, and capturing a stack cost more than the rest
 * of the close. The code and message say what ended; the stack would only show our own close path.
 */
export function closingError(code: string, message: string): CpmError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CpmError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Parsers at the wire boundary return a result rather than throwing into the I/O loop. */
export type Result<T, E = CpmError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
