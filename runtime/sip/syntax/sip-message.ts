import { SipHeaders } from './sip-headers.ts';

/** RFC 3261 §7.1: Request-Line = Method SP Request-URI SP SIP-Version. */
export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  /** The Request-URI as written (any scheme; parse with `parseSipUri` when it is sip/sips). */
  uri: string;
  readonly version: string;
  readonly headers: SipHeaders;
  body: Buffer;
}

/** RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase. */
export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly version: string;
  readonly headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export const SIP_VERSION = 'SIP/2.0';

export function createRequest(
  method: string,
  uri: string,
  headers: SipHeaders | Iterable<{ name: string; value: string }> = [],
  body: Buffer = Buffer.alloc(0),
): SipRequest {
  return {
    kind: 'request',
    method,
    uri,
    version: SIP_VERSION,
    headers: headers instanceof SipHeaders ? headers : new SipHeaders(headers),
    body,
  };
}

export function createResponse(
  status: number,
  reason: string,
  headers: SipHeaders | Iterable<{ name: string; value: string }> = [],
  body: Buffer = Buffer.alloc(0),
): SipResponse {
  return {
    kind: 'response',
    status,
    reason,
    version: SIP_VERSION,
    headers: headers instanceof SipHeaders ? headers : new SipHeaders(headers),
    body,
  };
}

/** Default reason phrases (RFC 3261 §21 and extensions used here). */
export const reasonPhrases: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return reasonPhrases[status] ?? (status < 200 ? 'Provisional' : status < 300 ? 'OK' : 'Error');
}

/** Short human summary for logs: `INVITE sip:bob@host` or `200 OK`. */
export function describeMessage(message: SipMessage): string {
  return message.kind === 'request' ? `${message.method} ${message.uri}` : `${message.status} ${message.reason}`;
}
