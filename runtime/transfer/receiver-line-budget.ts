// How many m-lines and files the receiver takes on: per session (one offer, and over the re-offers
// of a dialog) and in total. Each accepted file costs up to two descriptors (its temporary file,
// created when its first chunk arrives, and its MSRP connection), so the total is bounded below the
// process's descriptor limit: an offer beyond a bound is refused whole, with a Warning that names
// the bound, before anything is allocated, instead of failing later on EMFILE.

import { readFileSync } from 'node:fs';
import { isMsrpMedia } from '../sdp/msrp-attributes.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import type { FileTransferReceiverOptions } from './receiver-options.ts';
import type { IncomingLine, IncomingSession } from './receiver-session-state.ts';

/** Default for maxMlinesPerSession: m-lines in an offer, and files started over one dialog. */
export const DEFAULT_MAX_MLINES_PER_SESSION = 64;
/** Default for maxOpenFilesPerSession: files one session holds at once. */
export const DEFAULT_MAX_OPEN_FILES_PER_SESSION = 32;
/** Default ceiling of maxOpenFiles; lower when the descriptor limit is (see defaultMaxOpenFiles). */
export const DEFAULT_MAX_OPEN_FILES = 1024;
// Descriptors left to everything else: node itself (about 20), the SIP and MSRP listeners, SIP
// connections, the stale-part sweep and the hash of an out-of-order file.
const RESERVED_DESCRIPTORS = 48;

let cachedLimit: number | undefined | null = null;

/** The soft RLIMIT_NOFILE of this process where the system tells it (Linux), else undefined. */
export function descriptorLimit(): number | undefined {
  if (cachedLimit !== null) return cachedLimit;
  cachedLimit = undefined;
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match?.[1] !== undefined && match[1] !== 'unlimited') cachedLimit = Number(match[1]);
  } catch {
    // Not Linux (or no /proc): the fixed default applies.
  }
  return cachedLimit;
}

/** Files held at once in total by default: 1024, or fewer so that two descriptors each still fit. */
export function defaultMaxOpenFiles(limit = descriptorLimit()): number {
  if (limit === undefined) return DEFAULT_MAX_OPEN_FILES;
  return Math.max(1, Math.min(DEFAULT_MAX_OPEN_FILES, Math.floor((limit - RESERVED_DESCRIPTORS) / 2)));
}

/** Why an offer is refused: the SIP status and the Warning text (RFC 3261 §20.43, code 399). */
export interface BudgetRefusal {
  readonly status: 488 | 503;
  readonly warning: string;
  readonly limit: string;
}

/** M-lines of an offer that could become a file: live (port not 0) MSRP media. */
export function fileCandidates(offer: SessionDescription, indexes?: readonly number[]): number {
  const media = indexes === undefined ? offer.media : indexes.map((i) => offer.media[i]);
  return media.filter((m) => m !== undefined && m.port !== 0 && isMsrpMedia(m)).length;
}

/**
 * Files held by the receiver: counted from the answer that accepts them until their line is
 * closed, plus the m-lines of offers being planned (reserved first, so concurrent INVITEs cannot
 * together pass the bound).
 */
export class LineBudget {
  readonly #options: FileTransferReceiverOptions;
  readonly #maxOpenFiles: number;
  readonly #held = new WeakSet<IncomingLine>();
  #heldCount = 0;
  #reserved = 0;

  constructor(options: FileTransferReceiverOptions) {
    this.#options = options;
    this.#maxOpenFiles = options.maxOpenFiles ?? defaultMaxOpenFiles();
  }

  get maxOpenFiles(): number { return this.#maxOpenFiles; }

  /** Files held (accepted and not yet closed) plus m-lines reserved by offers being answered. */
  get inUse(): number { return this.#heldCount + this.#reserved; }

  /**
   * Whether `offer` fits: `candidates` m-lines may become files, on top of what the session
   * already holds and started (a re-offer). Undefined: it fits, and the candidates are reserved.
   */
  admit(session: IncomingSession, offer: SessionDescription, candidates: number, replacing = 0): BudgetRefusal | undefined {
    const maxMlines = this.#options.maxMlinesPerSession ?? DEFAULT_MAX_MLINES_PER_SESSION;
    const perSession = this.#options.maxOpenFilesPerSession ?? DEFAULT_MAX_OPEN_FILES_PER_SESSION;
    // RFC 3264 §8: a re-offer keeps every m-line of the one before, so the m-line count of any
    // offer is the dialog's running total; a slot reused for a new file counts in `started`.
    if (offer.media.length > maxMlines) {
      return { status: 488, limit: 'maxMlinesPerSession', warning: `${offer.media.length} m-lines offered; this receiver takes at most ${maxMlines} per session` };
    }
    if (session.started + candidates > maxMlines) {
      return { status: 488, limit: 'maxMlinesPerSession', warning: `${session.started + candidates} files offered in this session; this receiver takes at most ${maxMlines} per session` };
    }
    // `replacing`: lines of the session that this re-offer closes or replaces.
    const holding = session.lines.filter((l) => l !== undefined).length - replacing;
    if (holding + candidates > perSession) {
      return { status: 488, limit: 'maxOpenFilesPerSession', warning: `${holding + candidates} files at once in one session; this receiver takes at most ${perSession}` };
    }
    // RFC 3261 §21.5.4: the receiver as a whole is out of room for now, not this offer's fault.
    if (this.inUse + candidates > this.#maxOpenFiles) {
      return { status: 503, limit: 'maxOpenFiles', warning: `this receiver holds ${this.inUse} of at most ${this.#maxOpenFiles} files; try again later` };
    }
    this.#reserved += candidates;
    return undefined;
  }

  /** The offer that reserved `candidates` was answered or refused. */
  unreserve(candidates: number): void {
    this.#reserved = Math.max(0, this.#reserved - candidates);
  }

  /** An accepted line now holds its file (and later its connection). */
  hold(line: IncomingLine): void {
    if (this.#held.has(line)) return;
    this.#held.add(line);
    this.#heldCount += 1;
  }

  /** The line is closed: its temporary file and MSRP session are gone. */
  release(line: IncomingLine): void {
    if (!this.#held.delete(line)) return;
    this.#heldCount -= 1;
  }
}
