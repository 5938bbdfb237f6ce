// Streams one MSRP message from the sender to every member leg (RFC 4975 §7.1 chunks, forwarded
// as they arrive). Each leg gets its own bounded ByteQueue feeding an OutgoingMessage; the sink
// only lets the sender's connection go on reading when every live leg has room, so memory stays
// bounded by legs × highWaterMark (+ one leg chunk each) whatever the file size.

import {
  CpmError, type IncomingMessageInfo, type MessageSink, type MsrpSession, MsrpStatusError, type OutgoingMessage,
} from '../../runtime/index.ts';
import { ByteQueue } from './byte-queue.ts';

export interface RelayTarget {
  /** The member URI, for outcomes and logs. */
  readonly member: string;
  /** The focus's MSRP session towards this member for the same m-line. */
  readonly session: MsrpSession;
}

export interface RelayOutcome {
  readonly member: string;
  readonly delivered: boolean;
  /** MSRP status that failed the leg (408 for timeouts and dropped connections). */
  readonly status?: number;
  readonly error?: CpmError;
}

export interface RelayOptions {
  /** Bytes queued per leg before the sender's connection is paused. Default 256 KiB. */
  readonly highWaterMark?: number;
  /** Chunk size on the legs. Default 64 KiB. */
  readonly chunkSize?: number;
  readonly transactionTimeoutMs?: number;
  /** Called once per leg as soon as that leg delivered or failed. */
  readonly onOutcome?: (outcome: RelayOutcome) => void;
}

export interface RelaySink extends MessageSink {
  /** Settles when every leg delivered or failed; never rejects. */
  readonly outcomes: Promise<RelayOutcome[]>;
  /** Drops one member (its dialog ended): its message is aborted, the others go on. */
  drop(member: string, reason: string): void;
}

interface Leg {
  readonly member: string;
  readonly queue: ByteQueue;
  readonly message: OutgoingMessage;
  settled: boolean;
}

export function createRelaySink(info: IncomingMessageInfo, targets: readonly RelayTarget[], options: RelayOptions = {}): RelaySink {
  const size = info.size ?? 0;
  const legs: Leg[] = targets.map(({ member, session }) => {
    const queue = new ByteQueue(options.highWaterMark ?? 256 * 1024);
    // RFC 4975 §7.1.1: the focus is the sender of a new message on each leg, with its own
    // Message-ID; Failure-Report stays `yes` so each chunk's 200 tells us the member has it.
    const message = session.send(queue, {
      size,
      contentType: info.contentType ?? 'application/octet-stream',
      failureReport: 'yes',
      chunkSize: options.chunkSize ?? 64 * 1024,
      ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: options.transactionTimeoutMs }),
    });
    return { member, queue, message, settled: false };
  });

  const outcomes = Promise.all(
    legs.map((leg) =>
      leg.message.done.then(
        (): RelayOutcome => ({ member: leg.member, delivered: true }),
        (error: unknown): RelayOutcome => {
          const e = error instanceof CpmError ? error : new CpmError('ERR_FOCUS_LEG', String(error));
          return { member: leg.member, delivered: false, status: e instanceof MsrpStatusError ? e.status : 408, error: e };
        },
      ).then((outcome) => {
        leg.settled = true;
        // A failed leg must not hold the sender back any more.
        if (!outcome.delivered) leg.queue.abandon();
        options.onOutcome?.(outcome);
        return outcome;
      }),
    ),
  );

  let expected = 1;
  const live = (): Leg[] => legs.filter((l) => !l.settled && !l.queue.abandoned);

  return {
    outcomes,
    drop(member, reason) {
      for (const leg of legs) {
        if (leg.member !== member || leg.settled) continue;
        leg.queue.fail(new CpmError('ERR_FOCUS_LEG_ENDED', reason));
        leg.message.abort();
        leg.queue.abandon();
      }
    },
    write(position, data) {
      // One sender on one TCP connection delivers chunks in order; a gap would need buffering,
      // which is exactly what a streaming focus must not do, so it fails the message instead.
      if (position !== expected) throw new CpmError('ERR_FOCUS_OUT_OF_ORDER', `chunk at byte ${position}, expected ${expected}`);
      expected += data.length;
      const targetsNow = live();
      if (targetsNow.length === 0) throw new CpmError('ERR_FOCUS_NO_LEG', 'no member is receiving this file any more');
      for (const leg of targetsNow) leg.queue.push(data);
      const full = targetsNow.filter((l) => l.queue.full);
      if (full.length === 0) return undefined;
      // Backpressure: the slowest leg decides when the sender's socket is read again.
      return Promise.all(full.map((l) => l.queue.whenNotFull())).then(() => undefined);
    },
    async end(flag) {
      if (flag === '#') {
        // RFC 4975 §7.1: the sender aborted (or its connection dropped): abort every leg too.
        for (const leg of legs) {
          leg.queue.fail(new CpmError('ERR_MSRP_ABORTED', 'the sender aborted the message'));
          leg.message.abort();
        }
        await outcomes;
        return;
      }
      for (const leg of legs) leg.queue.end();
      const results = await outcomes;
      // The session sends the success REPORT only if this resolves: it must mean "delivered".
      if (!results.some((r) => r.delivered)) throw new CpmError('ERR_FOCUS_NOT_DELIVERED', 'no member received the file');
    },
  };
}
