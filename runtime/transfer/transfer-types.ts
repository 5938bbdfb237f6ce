// Outcomes and events of the transfer layer. src/client-types.ts exposes the same shapes publicly;
// they are declared here too because the runtime may not import src/.

export interface FileFailure {
  readonly status?: number;
  /** 'msrp-response' | 'failure-report' | 'sip-response' | 'connection' | 'local' | 'timeout' */
  readonly source: string;
  readonly message: string;
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
  end: TransferSummary;
}

export interface OfferedFileInfo {
  readonly from: string;
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
  'file-failed': { readonly transferId: string; readonly name: string; readonly reason: string };
  'session-end': { readonly from: string; readonly files: number };
}

/** One structured log line (protocol message, file outcome or executed rule). */
export interface TransferLogEvent {
  readonly kind: 'sip' | 'msrp' | 'file' | 'rule';
  readonly direction?: 'sent' | 'received';
  readonly [key: string]: unknown;
}

export type TransferLogger = (event: TransferLogEvent) => void;
