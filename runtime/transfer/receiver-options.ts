// The receiver's options: where files go, what is accepted, and the session limits and timers.

import type { Clock } from '../clock.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { UserAgent } from '../sip/user-agent-types.ts';
import type { FileTransferProcedures } from './file-transfer-procedures.ts';
import type { OfferedFileInfo, TransferLogger } from './transfer-types.ts';

export interface FileTransferReceiverOptions {
  readonly endpoint: MsrpEndpoint;
  readonly procedures: FileTransferProcedures;
  /** Folder received files are published into. */
  readonly dir: string;
  /** Largest file accepted: a=max-size in the answer and MSRP 413 beyond it. */
  readonly maxSize?: number;
  /** Per offered file; default: accept when the offered size is within maxSize. */
  readonly accept?: (offer: OfferedFileInfo) => boolean | Promise<boolean>;
  /**
   * The a=setup we answer an actpass offer with. Default 'active' (RFC 6135 §4's usual answer: we
   * connect). 'passive' makes the sender connect; 'none' omits a=setup like pre-RFC 6135 stacks,
   * which RFC 4975 §5.4 reads as "the offerer connects".
   */
  readonly setup?: 'active' | 'passive' | 'none';
  /**
   * RFC 5547 file-range resume: a file that fails part-way leaves its gap-free prefix in `dir` as a
   * hidden `.cpm-resume-<key>.part` (keyed by the offered hash, name and size), which a later offer
   * of the same file with a=file-range continues. Default false: nothing of a failed file is kept.
   */
  readonly keepPartials?: boolean;
  /**
   * Concurrent incoming sessions from one peer (the From address of record: scheme, user, host),
   * default 16. An INVITE beyond it is answered 486 Busy Here before anything is allocated.
   */
  readonly maxSessionsPerPeer?: number;
  /**
   * Concurrent incoming sessions from one transport source address, default 64 (half the total):
   * one address cannot fill every slot, whatever From it writes. Beyond it 486 Busy Here. Behind a
   * proxy or SBC every INVITE comes from its address: raise it to maxSessions there.
   */
  readonly maxSessionsPerSource?: number;
  /** Concurrent incoming sessions in total, default 128; beyond it 503 with Retry-After. */
  readonly maxSessions?: number;
  /**
   * M-lines in one offer, and files started over one dialog (re-offers included), default 64.
   * Beyond it the INVITE or re-INVITE is answered 488 with a Warning naming the bound.
   */
  readonly maxMlinesPerSession?: number;
  /** Files one session holds at once (accepted, not yet closed), default 32; beyond it 488 with a Warning. */
  readonly maxOpenFilesPerSession?: number;
  /**
   * Files held at once in total, each costing up to two descriptors (its temporary file and its
   * MSRP connection). Default 1024, or (descriptor limit - 48) / 2 when that is lower (Linux).
   * Beyond it 503 with Retry-After and a Warning.
   */
  readonly maxOpenFiles?: number;
  /** Retry-After (seconds) on the 503 of maxSessions; default 10. */
  readonly retryAfterSeconds?: number;
  /** RFC 6714 (CEMA) style: MSRP requests match our sessions by session id only. Default false. */
  readonly matchSessionIdOnly?: boolean;
  /**
   * On start, hidden temporary files (`.cpm-<hex>.part`) in `dir` that no writer of this process
   * owns and that were not modified for this long are removed: the orphans of a receiver that was
   * killed. Default 10 minutes, so receivers sharing the folder never remove each other's files in
   * flight; `false` turns the sweep off. Resume partials are never swept.
   */
  readonly staleTempPartAgeMs?: number | false;
  /**
   * Sends the BYE (with a Reason header, RFC 3326) when we end a session ourselves: its MSRP
   * connection failed, never came up, or the session went idle. Without it such a session is still
   * ended and its slot freed here, but the peer is not told.
   */
  readonly ua?: Pick<UserAgent, 'bye'>;
  /** Clock of the session timers (set-up and idle); default the system clock. */
  readonly clock?: Clock;
  /** The MSRP connection must be established this long after the ACK (DEFAULT_MSRP_SETUP_TIMEOUT_MS, 10 s). */
  readonly msrpSetupTimeoutMs?: number;
  /** A session without MSRP traffic this long is ended (DEFAULT_SESSION_IDLE_TIMEOUT_MS, 60 s). */
  readonly idleTimeoutMs?: number;
  readonly log?: TransferLogger;
}
