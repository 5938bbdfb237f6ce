// The options a client takes beyond the CpmClient contract of client-types.ts.

import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { FileTransferProcedures } from '../../runtime/index.ts';
import type { LogEvent } from '../client-types.ts';
import type { ImageLibraryLoader } from '../icons/image-library.ts';

/**
 * Optional additions to ClientOptions (a compatible extension of the contract): TLS credentials,
 * needed when `sip.transport` is 'tls', and a wait timeout for MSRP connections and REPORTs.
 */
export interface ClientExtraOptions {
  readonly tls?: TlsOptions & ConnectionOptions;
  /** How long to wait for the peer's MSRP connection or a success REPORT (default 30 s). */
  readonly waitTimeoutMs?: number;
  /**
   * SIP timer base values in ms (RFC 3261 §17.1.1.1: T1 500, T2 4000, T4 5000). Timer B, the INVITE
   * give-up time, is 64*T1, so a smaller T1 shortens how long an unanswered INVITE is waited for.
   */
  readonly sipTimers?: { readonly T1?: number; readonly T2?: number; readonly T4?: number };
  /**
   * An INVITE that got a provisional response (100, 180 ...) but no final one this long after is
   * CANCELled and its files fail with a timeout (default 90 s, DEFAULT_INVITE_PROVISIONAL_TIMEOUT_MS;
   * 0 waits for ever).
   */
  readonly inviteTimeoutMs?: number;
  /**
   * MSRP over TLS (msrps: paths, RFC 4975 §6): listen with `tls` key/cert and verify peers and
   * relays against `tls.ca`. Default: on when `sip.transport` is 'tls'.
   */
  readonly msrpTls?: boolean;
  /**
   * What a person should see even without a `log`: a file resumed (RFC 5547 file-range,
   * `{ kind: 'file', event: 'resume', name, from, size }`) and a resume state that cannot be used
   * (`event: 'resume-state-warning'`). Both also go to `log`.
   */
  readonly onNotice?: (event: LogEvent) => void;
  /**
   * How a peer's a=max-size is read: 'message' (default, RFC 4975 §8.6) fails a larger file before
   * sending it; 'chunk' treats it as a chunk bound, as some SBCs do, and caps the chunk size instead.
   */
  readonly peerMaxSizeScope?: 'message' | 'chunk';
  /**
   * The generated procedures to run (handlers and SDP attribute builders). Default: the ones
   * generated from this package's spec/ (src/procedures.ts); tests pass those of a frozen spec.
   */
  readonly procedures?: FileTransferProcedures;
  /**
   * How the image library for automatic icons is loaded (default: import sharp on first use).
   * Tests pass a loader that reports it missing, or a fake.
   */
  readonly loadImageLibrary?: ImageLibraryLoader;
}

/** Optional additions to ReceiveOptions (compatible extension): the a=setup role we answer with. */
export interface ReceiveExtraOptions {
  readonly setup?: 'active' | 'passive' | 'none';
  /** A session whose MSRP connection is not up this long after the ACK is ended (BYE; default 30 s). */
  readonly msrpSetupTimeoutMs?: number;
  /** A session without MSRP traffic this long is ended (BYE; default 60 s). */
  readonly idleTimeoutMs?: number;
}
