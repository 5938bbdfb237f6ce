// How one m-line's file goes over MSRP, chosen from what the answer says about the peer. Toward a
// peer we do not know, the safe defaults: 64 KiB chunks, a 200 per chunk (Failure-Report: yes),
// Success-Report only when the application asked. Toward a cpm-ft receiver reached without an
// RFC 4976 relay, larger chunks and Failure-Report: partial with Success-Report: yes: its MSRP
// layer answers only errors under `partial` (INTEROP.md §3 lists stacks that get this wrong,
// which is why it is not the default), sends progress REPORTs for the prefix it holds, and the
// success REPORT after the file is checked and published is then the delivery signal that
// clause 7.6.1 step 4 waits for.

/** `auto`: tune toward recognised cpm-ft peers; `off`: never; `always`: toward any peer without a relay. */
export type PeerTuning = 'auto' | 'off' | 'always';

export interface DataPath {
  readonly chunkSize: number;
  readonly failureReport: 'yes' | 'partial';
  /** Success-Report: yes on the file's SENDs (always with `partial`). */
  readonly successReport: boolean;
}

export interface DataPathInputs {
  readonly tuning: PeerTuning;
  /** The application's Success-Report choice. */
  readonly successReport: boolean;
  /** Chunk size toward unknown peers (64 KiB, or the configured one). */
  readonly chunkSize: number;
  /** Chunk size toward tuned peers (1 MiB, or the configured one). */
  readonly tunedChunkSize: number;
  /** The answer's Server header (RFC 3261 §20.35), if any. */
  readonly server: string | undefined;
  /** An RFC 4976 relay is on the path: ours (Use-Path) or the peer's (more than one a=path URI). */
  readonly relayed: boolean;
}

/**
 * RFC 3261 §20.35: Server is a list of product tokens (`name/version`) and comments; cpm-ft
 * writes its own name as the first one. A focus (`cpm-ft-focus`) is another product: it relays
 * to members, so it is not taken for a cpm-ft receiver.
 */
export function isCpmFtServer(server: string | undefined): boolean {
  if (server === undefined) return false;
  const first = server.trim().split(/\s+/, 1)[0] ?? '';
  const name = first.split('/', 1)[0] ?? '';
  return name === 'cpm-ft';
}

export function chooseDataPath(inputs: DataPathInputs): DataPath {
  const safe: DataPath = { chunkSize: inputs.chunkSize, failureReport: 'yes', successReport: inputs.successReport };
  // Behind a relay the relay's quirks rule (kamailio needs 8 KiB chunks, transfer-defaults.ts),
  // and a relay answers chunks hop by hop whatever the far end would do.
  if (inputs.relayed || inputs.tuning === 'off') return safe;
  if (inputs.tuning === 'auto' && !isCpmFtServer(inputs.server)) return safe;
  return { chunkSize: inputs.tunedChunkSize, failureReport: 'partial', successReport: true };
}
