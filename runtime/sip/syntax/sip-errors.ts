// Error codes of the SIP syntax layer, and the response status the layer above should answer with
// when the failing message was a request.

export const sipErrorCodes = {
  /** Malformed start line, header or parameter: answer 400. */
  ERR_SIP_PARSE: 400,
  /** A mandatory header (Via, From, To, Call-ID, CSeq) is missing: answer 400. */
  ERR_SIP_MISSING_HEADER: 400,
  /** Content-Length missing on a stream, negative, or larger than the bytes received: answer 400. */
  ERR_SIP_CONTENT_LENGTH: 400,
  /** One header line exceeds the configured limit: answer 400 (the line cannot be trusted). */
  ERR_SIP_HEADER_TOO_LONG: 400,
  /** More header fields than the configured limit: answer 400. */
  ERR_SIP_TOO_MANY_HEADERS: 400,
  /** The body exceeds the configured limit: answer 413 (Request Entity Too Large). */
  ERR_SIP_BODY_TOO_LARGE: 413,
  /** The whole message exceeds the configured limit: answer 513 (Message Too Large). */
  ERR_SIP_MESSAGE_TOO_LARGE: 513,
  /** SIP-Version other than SIP/2.0: answer 505. */
  ERR_SIP_VERSION: 505,
  /** A Request-URI scheme this stack does not handle: answer 416. */
  ERR_SIP_URI_SCHEME: 416,
} as const;
export type SipErrorCode = keyof typeof sipErrorCodes;

/** The status to answer a request that failed with `code` (400 for unknown codes). */
export function statusForSipError(code: string): number {
  return (sipErrorCodes as Record<string, number>)[code] ?? 400;
}
