// The IPC messages between the bench orchestrator and its child processes (bench-child.ts).
// One child plays one role, so each end's peak RSS is its own.

import type { PeerTuning, SipTransportName } from '../src/client-types.ts';

/** An RFC 4976 relay the client authenticates to and sends its MSRP through (ClientOptions.msrpRelay). */
export interface BenchRelay { readonly uri: string; readonly username: string; readonly password: string }

export type ChildCommand =
  /**
   * `fileEvents: false`: no IPC message per file received or failed (the rate test reads the counts
   * from `stats`; a message per file is the harness's work, yet it would count as the receiver's CPU).
   */
  | { readonly cmd: 'start-receiver'; readonly dir: string; readonly transport: SipTransportName; readonly relay?: BenchRelay; readonly fileEvents?: boolean }
  /** `phases`: watch the client's log for the MSRP data phase (off for the rate test: it costs a call per message). */
  | { readonly cmd: 'start-sender'; readonly transport: SipTransportName; readonly chunkSize?: number; readonly peerTuning?: PeerTuning; readonly phases?: boolean; readonly relay?: BenchRelay; readonly hashCacheDir?: string }
  /** Sends each file in its own session (INVITE, MSRP, BYE), `concurrency` sessions at a time. */
  | { readonly cmd: 'send'; readonly to: string; readonly files: readonly string[]; readonly concurrency: number }
  | { readonly cmd: 'stats' }
  | { readonly cmd: 'stop' };

export type ChildEvent =
  | { readonly event: 'ready'; readonly sipPort: number }
  | { readonly event: 'file-received'; readonly hash: string; readonly size: number }
  | { readonly event: 'file-failed'; readonly reason: string }
  | { readonly event: 'sent'; readonly ok: number; readonly failed: number; readonly elapsedMs: number; readonly failures: readonly string[]; readonly phases: SendPhases }
  | { readonly event: 'stats'; readonly received: number; readonly failed: number; readonly peakRssBytes: number; readonly rssBytes: number; readonly cpuMs: number; readonly systemCpuMs: number; readonly mainThreadCpuMs?: number; readonly heap: HeapFigures }
  | { readonly event: 'error'; readonly message: string };

/** When the first and last MSRP message of a `send` started and was acknowledged, in ms after the send began. */
export interface SendPhases {
  readonly firstMessageStartMs: number | undefined;
  readonly lastAcknowledgedMs: number | undefined;
}

/** V8's heap as a bench child sees it: the reserved size of its two generations and its collections so far. */
export interface HeapFigures {
  readonly newSpaceBytes: number;
  readonly oldSpaceBytes: number;
  readonly scavenges: number;
  readonly fullCollections: number;
}
