import { CpmError } from '../../errors.ts';

/** What exactly went wrong, so the connection can decide between 400 and a silent drop. */
export const MsrpParseReason = {
  startLine: 'start-line',
  headerLine: 'header-line',
  header: 'header',
  lineTooLong: 'line-too-long',
  tooManyHeaders: 'too-many-headers',
  headTooLarge: 'head-too-large',
  endLine: 'end-line',
} as const;
export type MsrpParseReason = (typeof MsrpParseReason)[keyof typeof MsrpParseReason];

/** ERR_MSRP_PARSE with the byte offset in the stream and, when known, the transaction being read. */
export class MsrpParseError extends CpmError {
  readonly reason: MsrpParseReason;
  readonly transactionId: string | undefined;
  /** Set when the start line was a request: the session answers it with 400 (never for REPORT). */
  readonly method: string | undefined;
  /** Raw To-Path / From-Path values seen before the error, so a 400 can be addressed. */
  readonly paths: { readonly to?: string; readonly from?: string };

  constructor(reason: MsrpParseReason, message: string, offset: number, transactionId?: string, method?: string,
    paths: { readonly to?: string; readonly from?: string } = {}) {
    super('ERR_MSRP_PARSE', message, { location: { source: 'msrp', offset } });
    this.name = 'MsrpParseError';
    this.reason = reason;
    this.transactionId = transactionId;
    this.method = method;
    this.paths = paths;
  }
}
