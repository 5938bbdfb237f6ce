// What the sender's data path sends for one file: all of it, or (RFC 5547 file-range resume) only
// bytes start..size, as one MSRP message whose own Byte-Range counts 1..length (RFC 4975 §7.1.1
// numbers the bytes of the message, and the message is the offered range). In both cases the file
// is read through a guard that notices the file shrinking under us: a short read aborts the message
// with '#' at once, so the receiver never mistakes the truncated data for the whole file.

import { CpmError } from '../errors.ts';
import { FileBlockReader } from '../files/file-block-reader.ts';
import type { OutgoingMessage } from '../msrp/outgoing-message.ts';

export interface RangePlan {
  readonly path: string;
  /** Whole file size (from the prepared file). */
  readonly size: number;
  /** 1-based first byte to send; 1 sends the whole file. */
  readonly start: number;
}

export interface RangeWatch {
  /** Set when the file yielded fewer bytes than announced: [bytes read, bytes expected]. */
  shortRead?: readonly [number, number];
  message?: OutgoingMessage;
}

async function* guarded(plan: RangePlan, watch: RangeWatch, stream: FileBlockReader): AsyncGenerator<Uint8Array> {
  const expected = plan.size - plan.start + 1;
  let got = 0;
  try {
    for await (const block of stream as AsyncIterable<Buffer>) {
      const take = Math.min(block.length, expected - got);
      if (take <= 0) break;
      got += take;
      yield take === block.length ? block : block.subarray(0, take);
    }
  } catch (cause) {
    // The file vanished or became unreadable: say which and why, not just "source failed".
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new CpmError('ERR_FILE_READ', `cannot read ${plan.path} after ${got} of ${expected} bytes: ${why}`, { cause, location: { source: plan.path } });
  }
  if (got < expected) {
    // RFC 4975 §7.1: a sender that cannot complete a message ends it with '#'. Abort before the
    // MSRP layer notices the short source itself, which would stop without telling the peer.
    watch.shortRead = [got, expected];
    watch.message?.abort();
  }
}

// 8 blocks: one being sliced into chunks, one read ahead, and room for what waits in the socket
// (at most 2 MiB, outgoing-message.ts) before the MSRP layer hands it back.
const READ_BLOCK_BYTES = 1024 * 1024;
const READ_BLOCKS = 8;

/**
 * The source of one outgoing file message: bytes `plan.start..plan.size`, read in pooled blocks
 * that the MSRP layer hands back through `release` once they are on the socket, so a few buffers
 * serve the whole file. Blocks are at least a chunk and 1 MiB (one thread-pool round trip per small
 * chunk left the sender idle), but never larger than the range, so a small file does not pay for
 * 1 MiB buffers.
 */
export function rangedFileSource(plan: RangePlan, watch: RangeWatch, chunkSize: number): AsyncGenerator<Uint8Array> & { release(piece: Uint8Array): void } {
  const length = plan.size - plan.start + 1;
  const blockSize = Math.max(1, Math.min(length, Math.max(chunkSize, READ_BLOCK_BYTES)));
  const blocks = new FileBlockReader(plan.path, { start: plan.start, end: plan.size, blockSize, blocks: READ_BLOCKS });
  return Object.assign(guarded(plan, watch, blocks), { release: (piece: Uint8Array) => blocks.release(piece) });
}
