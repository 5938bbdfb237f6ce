// The data path for one outgoing file: one MSRP message on the m-line's session (RFC 4975 §7.1),
// chunked and pipelined by the MSRP layer, progress from acknowledged bytes, and the outcome
// classified for the sender (which clause 7.6.1 step 5 event, if any, it raises).

import { CpmError } from '../errors.ts';
import { schedule } from '../msrp/clock.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { MsrpStatusError, type MsrpReport } from '../msrp/outgoing-message.ts';
import type { ProcedureEvent } from '../procedure/vocabulary.ts';
import type { PreparedFile } from './file-offer.ts';
import type { FileFailureCause, TransferLogger } from './transfer-types.ts';
import { rangedFileSource, type RangeWatch } from './ranged-file-source.ts';

export type SendOutcome =
  | { readonly kind: 'delivered' }
  | {
      readonly kind: 'failed';
      readonly failure: FileFailureCause;
      /** The procedure event this failure raises (step 5), if it is one the spec names. */
      readonly event?: ProcedureEvent;
      /** True when the MSRP connection is gone, so the session cannot carry more files. */
      readonly broken: boolean;
    };

/** Where the session's close notification is delivered while we wait for a REPORT. */
export interface CloseWatch {
  onClose?: ((error: CpmError) => void) | undefined;
}

export interface SendFileOptions {
  /** 1-based first byte to send (RFC 5547 file-range resume); default 1, the whole file. */
  readonly start?: number;
  /** Filled in with the message and any short read of the file while it is sent. */
  readonly watch: RangeWatch;
  readonly chunkSize: number;
  readonly window?: number;
  readonly successReport: boolean;
  /**
   * RFC 4975 §7.1.2 Failure-Report on every chunk: `yes` (default) gets a 200 per chunk; `partial`
   * gets error responses only, so delivery is known from the success REPORT, which is then always
   * asked for and waited for (whatever `successReport` says).
   */
  readonly failureReport?: 'yes' | 'partial';
  /** Bound on the wait for a success REPORT (a relay may never send one). */
  readonly waitTimeoutMs: number;
  readonly closeWatch: CloseWatch;
  readonly aborted: () => boolean;
  /** What the file fails with when it stopped because `aborted()` (default: 'transfer aborted'). */
  readonly stopFailure?: () => FileFailureCause;
  readonly onProgress: (acknowledged: number) => void;
  readonly log?: TransferLogger;
}

const CONNECTION_CODES = /^ERR_MSRP_(CONNECTION|CONNECT|SESSION_CLOSED|BIND|NO_PATH)/;
const isConnectionError = (error: unknown): boolean => error instanceof CpmError && CONNECTION_CODES.test(error.code);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function failureReportOutcome(report: MsrpReport): SendOutcome {
  const code = report.status?.code ?? 0;
  return {
    kind: 'failed',
    failure: { source: 'failure-report', status: code, message: `failure REPORT ${code} ${report.status?.reason ?? ''}`.trim() },
    event: 'failure-report-received',
    broken: false,
  };
}

function statusErrorOutcome(error: MsrpStatusError): SendOutcome {
  // RFC 4975 §7.1: 408 is the local transaction timeout, not the peer's answer.
  if (error.status === 408) return { kind: 'failed', failure: { source: 'timeout', status: 408, message: error.message }, broken: true };
  // RFC 4975 §10: 481 says the session no longer exists at the receiver (ours closes a file's
  // session this way while it keeps the received prefix). Like a lost connection, nothing more
  // can go on it, and every byte acknowledged before it is held, so the file may resume.
  if (error.status === 481) return { kind: 'failed', failure: { source: 'connection', status: 481, message: error.message }, broken: true };
  // Clause 7.6.1 step 5: any other MSRP error response fails this file.
  return { kind: 'failed', failure: { source: 'msrp-response', status: error.status, message: error.message }, event: 'msrp-error-response', broken: false };
}

export async function sendFileOverMsrp(session: MsrpSession, file: PreparedFile, options: SendFileOptions): Promise<SendOutcome> {
  const log = options.log;
  let settleReport: (report: MsrpReport | CpmError) => void = () => {};
  const report = new Promise<MsrpReport | CpmError>((resolve) => { settleReport = resolve; });
  let failureReport: MsrpReport | undefined;
  const partial = options.failureReport === 'partial';
  const successReport = options.successReport || partial;
  // One MSRP message carries the offered range; its own Byte-Range counts 1..length (RFC 4975 §7.1.1).
  const start = options.start ?? 1;
  const length = file.size - start + 1;
  const held = file.contents?.take();
  // The bytes hashed for the offer, when they were kept (small files): no second read of the file.
  const source = length === 0 ? []
    : held !== undefined && held.byteLength === file.size ? [held.subarray(start - 1)]
      : rangedFileSource({ path: file.path, size: file.size, start }, options.watch, options.chunkSize);
  const message = session.send(source, {
    size: length,
    contentType: file.type,
    successReport,
    ...(partial ? { failureReport: 'partial' as const } : {}),
    chunkSize: options.chunkSize,
    ...(options.window !== undefined ? { window: options.window } : {}),
    onReport: (r) => {
      // RFC 4975 §7.1.2: a REPORT whose status is not 200 says the message failed; stop sending it.
      const failed = r.status !== undefined && r.status.code !== 200;
      // A success REPORT for a part of the message (from byte 1 to before its end) is progress
      // (OutgoingMessage counts it as acknowledged); only one reaching the end settles the wait.
      const progress = !failed && r.byteRange !== undefined && typeof r.byteRange.end === 'number' && r.byteRange.end < length;
      if (progress) return;
      log?.({ kind: 'msrp', direction: 'received', method: 'REPORT', messageId: r.messageId, file: file.name, status: r.status?.code });
      if (failed) {
        failureReport = r;
        message.abort();
      }
      settleReport(r);
    },
    // Failure-Report: partial: an error response to a chunk after all were written fails the file
    // like one that came earlier (clause 7.6.1 step 5, msrp-error-response).
    onLateError: (error) => settleReport(error),
  });
  options.watch.message = message;
  log?.({ kind: 'msrp', direction: 'sent', event: 'message-start', messageId: message.messageId, file: file.name, size: length });

  let last = -1;
  const progress = (): void => {
    const sent = message.bytesAcknowledged;
    if (sent === last) return;
    last = sent;
    options.onProgress(sent);
  };
  const ticker = setInterval(progress, 100);
  try {
    await message.done;
    progress();
  } catch (error) {
    if (failureReport !== undefined) return failureReportOutcome(failureReport);
    if (error instanceof MsrpStatusError) return statusErrorOutcome(error);
    if (options.aborted()) return { kind: 'failed', failure: options.stopFailure?.() ?? { source: 'local', message: 'transfer aborted' }, broken: false };
    if (isConnectionError(error)) return { kind: 'failed', failure: { source: 'connection', message: messageOf(error) }, broken: true };
    return { kind: 'failed', failure: { source: 'local', message: messageOf(error) }, broken: false };
  } finally {
    clearInterval(ticker);
    if (!partial) message.forgetTransactions();
  }
  try {
    if (!partial) log?.({ kind: 'msrp', direction: 'received', event: 'message-acknowledged', messageId: message.messageId, file: file.name });
    if (!successReport) return { kind: 'delivered' };
    const outcome = await awaitSuccessReport(session, report, settleReport, options);
    if (outcome.kind === 'delivered') {
      progress();
      if (partial) log?.({ kind: 'msrp', direction: 'received', event: 'message-acknowledged', by: 'success-report', messageId: message.messageId, file: file.name });
    }
    return outcome;
  } finally {
    message.forgetTransactions();
  }
}

type ReportWait = MsrpReport | CpmError;

async function awaitSuccessReport(session: MsrpSession, report: Promise<ReportWait>, settleReport: (r: ReportWait) => void, options: SendFileOptions): Promise<SendOutcome> {
  // With Success-Report: yes, step 4 waits for the REPORT; bounded, and cut short if the
  // connection closes first.
  // On the session's clock (injectable), like the MSRP transaction timers.
  const cancelTimer = schedule(session.clock, options.waitTimeoutMs, () => settleReport(new CpmError('ERR_MSRP_REPORT_TIMEOUT', `no success REPORT within ${options.waitTimeoutMs} ms`)));
  options.closeWatch.onClose = (error) => settleReport(new CpmError('ERR_MSRP_CONNECTION_CLOSED', `MSRP connection closed before the success REPORT: ${error.message}`));
  if (session.connection === undefined) options.closeWatch.onClose(new CpmError('ERR_MSRP_CONNECTION_CLOSED', 'not connected'));
  const outcome = await report;
  cancelTimer();
  options.closeWatch.onClose = undefined;
  if (outcome instanceof MsrpStatusError) return statusErrorOutcome(outcome);
  if (outcome instanceof CpmError) {
    const timeout = outcome.code === 'ERR_MSRP_REPORT_TIMEOUT';
    return { kind: 'failed', failure: { source: timeout ? 'timeout' : 'connection', message: outcome.message }, broken: !timeout };
  }
  if (outcome.status !== undefined && outcome.status.code !== 200) return failureReportOutcome(outcome);
  return { kind: 'delivered' };
}
