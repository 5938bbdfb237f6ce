// How send/demo report per-file progress. Two implementations: bars redrawn in place on a terminal,
// plain lines (no escape codes) when the output is a pipe or a file.

export interface ProgressView {
  start(name: string, size: number): void;
  update(name: string, sent: number, total: number): void;
  done(name: string, hash: string): void;
  failed(name: string, reason: string): void;
  /** Draws the final state and stops any redraw. */
  finish(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}
