// What the progress views know about one file. Kept as plain data so rendering is a pure function.

export type FileProgressStatus = 'sending' | 'done' | 'failed';

export interface FileProgress {
  readonly name: string;
  readonly total: number;
  sent: number;
  status: FileProgressStatus;
  /** ms timestamp of the first progress, for the average rate. */
  readonly startedAt: number;
  /** ms timestamp of completion, so a finished bar stops ageing. */
  endedAt: number | undefined;
  hash: string | undefined;
  reason: string | undefined;
}

export function newFileProgress(name: string, total: number, now: number): FileProgress {
  return { name, total, sent: 0, status: 'sending', startedAt: now, endedAt: undefined, hash: undefined, reason: undefined };
}
