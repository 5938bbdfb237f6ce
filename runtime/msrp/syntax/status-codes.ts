// RFC 4975 §10 (and RFC 4976 §5 for 401/423) response codes with the comments we send.
// One table drives the serializer's default comments and the session's error mapping.
export const MsrpStatus = {
  ok: 200,
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  timeout: 408,
  stopSending: 413,
  unsupportedMedia: 415,
  outOfBounds: 423,
  noSession: 481,
  unknownMethod: 501,
  sessionBound: 506,
} as const;
export type MsrpStatus = (typeof MsrpStatus)[keyof typeof MsrpStatus];

export const MSRP_STATUS_COMMENTS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  408: 'Request Timeout',
  413: 'Message Too Large',
  415: 'Unsupported Media Type',
  423: 'Interval Out-of-Bounds',
  481: 'Session Does Not Exist',
  501: 'Unknown Method',
  506: 'Session Already Bound',
};

export function statusComment(status: number): string | undefined {
  return MSRP_STATUS_COMMENTS[status];
}
