// The sender's transfer defaults in one place: the runtime applies them, and the library, the CLI
// help and the bench read them from here (through runtime/index.ts), so a changed default cannot
// leave a stale copy behind.

export const transferDefaults = {
  /** MSRP chunk size: 64 KiB keeps a chunk in one socket read while the per-chunk cost stays low. */
  chunkSize: 64 * 1024,
  /**
   * Toward a cpm-ft peer without a relay (peer-data-path.ts): one chunk per 1 MiB read block of
   * the sender, so one head, one scan call, one writev per MiB. The
   * sender's per-chunk JavaScript (stream writes, promises, REPORT parsing) and the optimizing
   * compiler's work on it shrink with the chunk count: docs/benchmarks.md, levers 5 and 13.
   */
  tunedChunkSize: 1024 * 1024,
  /** Tune the data path toward recognised cpm-ft peers (peer-data-path.ts). */
  peerTuning: 'auto',
  /**
   * Largest chunk size accepted (library and CLI): 4 MiB. RFC 4975 sets no limit, but receivers in
   * the wild refuse far smaller chunks, and every chunk in flight is a buffer on both ends; more
   * only costs memory (a 1 GiB chunk would buffer a whole file).
   */
  maxChunkSize: 4 * 1024 * 1024,
  /**
   * After an MSRP connection failure the BYE is sent but its response waited for this long at
   * most: the failure is known and told, and over UDP a dead peer would hold us for Timer F (32 s).
   * RFC 3261 §15.1.1: the session ends when the BYE is sent, not when it is answered.
   */
  byeWaitAfterFailureMs: 1000,
  /**
   * Behind an RFC 4976 relay. Kamailio 5.6's msrp module misframes larger chunks: from about 12 KB
   * it answers 501 to the middle of a chunk, and near 64 KiB it drops the connection with a TCP
   * "buffer overrun" (test/interop/kamailio-msrp-relay-transfer). 8 KiB passes; an explicit
   * chunk size still wins.
   */
  relayChunkSize: 8 * 1024,
  /** Chunks of one message in flight before the first 200 must come back. */
  window: 1024,
  /** How long to wait for a success REPORT or for the peer to open its MSRP connection. */
  waitTimeoutMs: 30_000,
  /** Group sessions: the longest wait for the focus to report the members' outcomes before the BYE. */
  memberReportWaitMs: 5000,
  /**
   * Group sessions: before that, the longest wait while the focus is still inviting a member (the
   * focus answers us once one member accepts; a member accepting later still gets the files). A
   * member nobody answers for is given up by the focus at its Timer B (32 s) or its own answer
   * timeout (30 s), so 40 s lets that outcome arrive.
   */
  memberAnswerWaitMs: 40_000,
  /** Success-Report: no by default (RFC 4975 §7.1.1: the 200s suffice; step 4 then runs on the last 200). */
  successReport: false,
  /** 7.6.1 step 4.b: m-lines are reused for the next batch unless the application says otherwise. */
  reuseMlines: true,
  /** RFC 5547 file-range resume of a file that failed part-way. */
  resume: true,
  /** How the answer's a=max-size is read (RFC 4975 §8.6: the largest message). */
  peerMaxSizeScope: 'message',
  /** Without Success-Report, the grace after a file's last 200 for a late failure REPORT (below). */
  reportGrace: { roundTrips: 4, floorMs: 60, ceilingMs: 500 },
} as const;

export const REPORT_GRACE_RTTS = transferDefaults.reportGrace.roundTrips;
export const REPORT_GRACE_FLOOR_MS = transferDefaults.reportGrace.floorMs;
export const REPORT_GRACE_CEILING_MS = transferDefaults.reportGrace.ceilingMs;

/**
 * RFC 4975 §7.1.2 sets no deadline for a failure REPORT after the 200s, but a receiver that finds
 * the message undeliverable while handling its last chunk writes the REPORT right behind that
 * chunk's 200, on the same ordered connection, so it arrives within about one round trip of the
 * 200. A few round trips cover jitter. The floor covers what the RTT does not show: a peer
 * without TCP_NODELAY holds that small second write (Nagle) until we ACK the 200, and our stack
 * delays that ACK (40 ms on Linux; measured 42 ms against the scripted peer), so 60 ms. The
 * ceiling is the former fixed wait. A receiver that decides long after its 200 is not caught by
 * any bounded wait; Success-Report is the way to be sure.
 */
export function adaptiveReportGrace(lastChunkRttMs: number | undefined): number {
  if (lastChunkRttMs === undefined) return REPORT_GRACE_CEILING_MS;
  return Math.min(REPORT_GRACE_CEILING_MS, Math.max(REPORT_GRACE_FLOOR_MS, Math.ceil(REPORT_GRACE_RTTS * lastChunkRttMs)));
}
