// What the sender's data path sends for one file: all of it, or (RFC 5547 file-range resume) only
// bytes start..size, as one MSRP message whose own Byte-Range counts 1..length (RFC 4975 §7.1.1
// numbers the bytes of the message, and the message is the offered range). In both cases the file
// is read through a guard that notices the file shrinking under us: a short read aborts the message
// with '#' at once, so the receiver never mistakes the truncated data for the whole file.
//
// The data path (send-file-over-msrp.ts) asks the session for a message; the session handed to it
// here is a thin proxy whose send() substitutes the ranged, guarded source.

import { CpmError } from '../errors.ts';
import { FileBlockReader } from '../files/file-block-reader.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import type { MessageSource, OutgoingMessage } from '../msrp/outgoing-message.ts';

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

function isStream(source: MessageSource): source is MessageSource & { destroy(): void; on(event: 'error', listener: () => void): unknown } {
  const candidate = source as { destroy?: unknown; on?: unknown };
  return typeof candidate.destroy === 'function' && typeof candidate.on === 'function';
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

/** The session to hand to sendFileOverMsrp for one file, sending `plan.start..plan.size`. */
export function rangedSession(session: MsrpSession, plan: RangePlan, watch: RangeWatch): MsrpSession {
  return new Proxy(session, {
    get(target, property) {
      if (property === 'send') {
        return (source: MessageSource, options: Parameters<MsrpSession['send']>[1]): OutgoingMessage => {
          // The data path opened a stream over the whole file; ours replaces it.
          // Its open may still be pending and fail (a vanished file): that error is ours to report.
          if (isStream(source)) {
            source.on('error', () => {});
            source.destroy();
          }
          const length = plan.size - plan.start + 1;
          const message = target.send(length === 0 ? [] : lendingSource(plan, watch), { ...options, size: length });
          watch.message = message;
          return message;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

// Pooled 1 MiB reads (runtime/files/file-block-reader.ts): the MSRP layer hands each piece back
// once it is on the socket, so the sender reuses a few buffers instead of allocating per read.
function lendingSource(plan: RangePlan, watch: RangeWatch): AsyncGenerator<Uint8Array> & { release(piece: Uint8Array): void } {
  const blocks = new FileBlockReader(plan.path, { start: plan.start, end: plan.size });
  return Object.assign(guarded(plan, watch, blocks), { release: (piece: Uint8Array) => blocks.release(piece) });
}
