// Outcomes and events of the transfer layer. src/client-types.ts exposes the same shapes publicly;
// they are declared here too because the runtime may not import src/.

import type { IconType } from './file-icon.ts';

/**
 * Where a file's failure came from: an MSRP error response to a chunk, a failure REPORT, the SIP
 * answer (or its Warning), the MSRP connection, this side (a file that cannot be read, an abort),
 * a transaction timeout, the receiver's BYE, or the user's cancel (OutgoingFileTransfer.cancel).
 */
export type FileFailureSource = 'msrp-response' | 'failure-report' | 'sip-response' | 'connection' | 'local' | 'timeout' | 'peer-bye' | 'cancelled';

/** The stable `code` of a FileFailure whose cause had none of its own, by source. */
export const fileFailureCodes = {
  'msrp-response': 'ERR_MSRP_STATUS',
  'failure-report': 'ERR_MSRP_FAILURE_REPORT',
  'sip-response': 'ERR_SIP_REJECTED',
  connection: 'ERR_MSRP_CONNECTION',
  local: 'ERR_TRANSFER_ABORTED',
  timeout: 'ERR_TRANSFER_TIMEOUT',
  'peer-bye': 'ERR_SESSION_ENDED_BY_PEER',
  cancelled: 'ERR_TRANSFER_CANCELLED',
} as const satisfies Record<FileFailureSource, string>;

export interface FileFailure {
  /** The SIP or MSRP status, when a response or REPORT carried one. */
  readonly status?: number;
  readonly source: FileFailureSource;
  /**
   * A stable error code: the cause's own (ERR_FILE_ICON, ERR_FILE_READ, ERR_MSRP_PEER_MAX_SIZE,
   * ERR_RESUME_DECLINED, ...) or, without one, the source's default in `fileFailureCodes`.
   */
  readonly code: string;
  readonly message: string;
}

/** A failure as the transfer code states it; the code defaults from the source when not given. */
export type FileFailureCause = Omit<FileFailure, 'code'> & { readonly code?: string };

export function withFailureCode(cause: FileFailureCause): FileFailure {
  return cause.code !== undefined ? cause as FileFailure : { ...cause, code: fileFailureCodes[cause.source] };
}

export interface FileResult {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly hash: string;
  readonly ok: boolean;
  readonly failure?: FileFailure;
}

export interface ExecutedDecision {
  readonly rule: string;
  readonly action: string;
  readonly args: readonly string[];
  /** A SHALL NOT rule: the action was forbidden in that situation, not performed. */
  readonly prohibited?: boolean;
}

export interface TransferSummary {
  readonly ok: boolean;
  readonly files: readonly FileResult[];
  readonly decisions: readonly ExecutedDecision[];
  /**
   * Set when the transfer stopped because the spec did not say what to do (ERR_PROCEDURE_UNCOVERED),
   * a rule asked for an action where it has no meaning, or a SHALL NOT rule refused an action
   * (ERR_PROCEDURE_PROHIBITED). `ok` is then false even if every file arrived.
   */
  readonly error?: { readonly code: string; readonly message: string; readonly rule?: string };
}

export interface OutgoingTransferEvents {
  progress: { readonly file: string; readonly sent: number; readonly total: number };
  'file-complete': FileResult;
  'file-failed': FileResult & { readonly failure: FileFailure };
  /**
   * The INVITE has had no response at all for a few seconds (UserAgentOptions.noAnswerNoticeMs):
   * where it went (`address` is host:port) and how much longer the SIP transaction waits.
   */
  'no-answer': { readonly target: string; readonly transport: string; readonly address: string; readonly waitedMs: number; readonly giveUpAfterMs: number };
  end: TransferSummary;
}

export interface OfferedFileInfo {
  readonly from: string;
  /** The display name of the sender's From header, when it gave one (peer text: print it escaped). */
  readonly fromName?: string;
  readonly name: string;
  readonly size: number | undefined;
  readonly type: string | undefined;
  readonly hash: string | undefined;
  readonly transferId: string;
}

export interface IncomingTransferEvents {
  offer: OfferedFileInfo & { readonly accepted: boolean };
  progress: { readonly transferId: string; readonly name: string; readonly received: number; readonly total: number | undefined };
  'file-received': { readonly transferId: string; readonly path: string; readonly size: number; readonly hash: string };
  /** `code`: the error code of the cause, when it had one (ERR_MSRP_TLS_REFUSED, ...). */
  'file-failed': { readonly transferId: string; readonly name: string; readonly reason: string; readonly code?: string };
  /** `reason`: set when this side ended the session (what its BYE's Reason header said). */
  'session-end': { readonly from: string; readonly files: number; readonly reason?: string };
  /** RFC 5547 §6 file-icon of an accepted offer, checked (type by magic bytes, size cap). */
  icon: { readonly transferId: string; readonly name: string; readonly from: string; readonly type: IconType; readonly bytes: Buffer; readonly contentId: string };
}

/** One structured log line (protocol message, file outcome or executed rule). */
export interface TransferLogEvent {
  readonly kind: 'sip' | 'msrp' | 'file' | 'rule';
  readonly direction?: 'sent' | 'received';
  readonly [key: string]: unknown;
}

export type TransferLogger = (event: TransferLogEvent) => void;
