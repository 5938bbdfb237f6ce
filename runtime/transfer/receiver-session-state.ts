// What the receiver tracks per SIP session and per accepted m-line, the context its phases share
// (admission, answering, the data sinks, the end of a line) and the small helpers they all use.

import type { ReceivingWriter } from '../files/receiving-writer.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import type { SetupRole } from '../sdp/msrp-attributes.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import type { FileAttributesValue } from './file-transfer-procedures.ts';
import type { TakenMline } from './receiver-answer-plan.ts';
import type { LineBudget } from './receiver-line-budget.ts';
import type { FileTransferReceiverOptions } from './receiver-options.ts';
import type { PartialIdentity } from './resumable-partial.ts';
import type { SessionEnd, SessionLifetime } from './session-lifetime.ts';
import type { IncomingTransferEvents } from './transfer-types.ts';

export type LineState = 'waiting' | 'receiving' | 'finalizing' | 'done' | 'failed';

/** One accepted file m-line. */
export interface IncomingLine {
  readonly index: number;
  readonly transferId: string;
  readonly name: string;
  readonly size: number | undefined;
  readonly attributes: FileAttributesValue;
  readonly writer: ReceivingWriter;
  readonly session: MsrpSession;
  /** The a=setup we answered, kept for re-offers that leave the line unchanged. */
  readonly setup: SetupRole | undefined;
  /** What the RFC 5547 answer rules decided for this m-line (which attributes the answer repeats). */
  readonly answer: TakenMline;
  state: LineState;
  /** Settles once the file is published or its finalize failed. */
  finalization: Promise<void> | undefined;
  /** Settles once an unfinished file's temporary data is gone. */
  discarded: Promise<void> | undefined;
  /** Hash, name and size from the offer, when all three are known (the partial file's key). */
  readonly identity: PartialIdentity | undefined;
  /** RFC 5547 file-range: the first file byte the message carries (1: the whole file). */
  readonly rangeStart: number;
  /** The last write handed to the writer; writes complete in order, so all before it are done too. */
  lastWrite: Promise<void>;
}

export interface IncomingSession {
  readonly from: string;
  readonly fromName: string | undefined;
  /** The INVITE dialog, once answered 2xx. */
  dialog: Dialog | undefined;
  /** Set-up and idle timers; ends the session on its own (session-lifetime.ts). */
  readonly lifetime: SessionLifetime;
  /** The sessionPeerKey() this session counts against. */
  readonly peer: string;
  /** The INVITE's transport source address (maxSessionsPerSource). */
  readonly source: string;
  /** The peer's last offer, to classify m-lines of a re-offer (RFC 3264 §8). */
  offer: SessionDescription;
  lines: Array<IncomingLine | undefined>;
  sessionVersion: bigint;
  readonly sessionId: string;
  received: number;
  /** Files accepted over the dialog's life (maxMlinesPerSession bounds it, slots reused included). */
  started: number;
  /** Lines closed by a re-INVITE whose clean-up may still be running. */
  readonly closing: Set<Promise<void>>;
}

/** What one m-line of an offer became while building the answer. */
export type LinePlan =
  /** `warning`: why, for the sender (a Warning header on the final response). */
  | { kind: 'reject'; declined: boolean; warning?: string }
  | { kind: 'keep'; line: IncomingLine }
  | { kind: 'new'; line: IncomingLine };


/** What the receiver's phases share: its options, events, transfers and the way to end a session. */
export interface ReceiverContext {
  readonly options: FileTransferReceiverOptions;
  emit<E extends keyof IncomingTransferEvents>(event: E, payload: IncomingTransferEvents[E]): void;
  /** Accepted transfers by a=file-transfer-id. */
  readonly byTransferId: Map<string, IncomingLine>;
  /** Files held per session and in total (maxMlinesPerSession, maxOpenFiles ...). */
  readonly budget: LineBudget;
  /** We end the session ourselves: BYE with the cause, unfinished files dropped, slot freed. */
  endedByUs(session: IncomingSession, end: SessionEnd): void;
}

export const noop = (): void => {};

/** An error's message followed by its cause's (ENOSPC, EACCES ... are only in the cause). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || error.message.includes(cause) ? error.message : `${error.message}: ${cause}`;
}

/**
 * Whether the process (EMFILE) or the system (ENFILE) ran out of file descriptors somewhere in the
 * error's cause chain: a condition of this receiver, not of the offer, so it is refused with 503.
 */
export function isOutOfDescriptors(error: unknown): boolean {
  const code = errnoOf(error);
  return code === ' (EMFILE)' || code === ' (ENFILE)';
}

/** ` (ENOSPC)` for a system error somewhere in the cause chain, else nothing. */
export function errnoOf(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return ` (${code})`;
  }
  return '';
}
