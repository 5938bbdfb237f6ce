// Streams one MSRP message from the sender to every member leg (RFC 4975 §7.1 chunks, forwarded
// as they arrive). Each leg gets its own bounded ByteQueue feeding an OutgoingMessage; the sink
// only lets the sender's connection go on reading when every live leg has room, so memory stays
// bounded by legs × highWaterMark (+ one leg chunk each) whatever the file size.
// A member still being invited when the data starts is a waiting leg: its queue keeps what has
// arrived (up to its own, larger bound; the chunks are shared with the other queues, not copied)
// until the member accepts (`attach`: the queue then feeds its message from the first byte) or is
// given up (`drop`). The sender is only held back when a waiting queue reaches its bound.

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
  /** Bytes kept for a member still being invited before the sender is paused. Default 16 MiB. */
  readonly waitingHighWaterMark?: number;
  /** Chunk size on the legs. Default 64 KiB. */
  readonly chunkSize?: number;
  readonly transactionTimeoutMs?: number;
  /** Called once per leg as soon as that leg delivered or failed. */
  readonly onOutcome?: (outcome: RelayOutcome) => void;
}

export interface RelaySink extends MessageSink {
  /** Settles when every leg delivered or failed; never rejects. */
  readonly outcomes: Promise<RelayOutcome[]>;
  /** Drops one member (its dialog ended, or it never accepted): its message is aborted, the others go on. */
  drop(member: string, reason: string): void;
  /** A waiting member accepted: its message starts on `session`, from the first byte. False if it is not waiting here. */
  attach(member: string, session: MsrpSession): boolean;
  /** Whether `member` is a waiting leg of this message. */
  waiting(member: string): boolean;
}

interface Leg {
  readonly member: string;
  queue: ByteQueue;
  /** Undefined while the member is still being invited. */
  message: OutgoingMessage | undefined;
  settled: boolean;
  readonly outcome: Promise<RelayOutcome>;
  settle: (outcome: RelayOutcome) => void;
}

export function createRelaySink(info: IncomingMessageInfo, targets: readonly RelayTarget[], options: RelayOptions = {}, waitingMembers: readonly string[] = []): RelaySink {
  const size = info.size ?? 0;
  const newLeg = (member: string, highWaterMark: number): Leg => {
    let settle: (outcome: RelayOutcome) => void = () => undefined;
    const outcome = new Promise<RelayOutcome>((resolve) => { settle = resolve; });
    const leg: Leg = { member, queue: new ByteQueue(highWaterMark), message: undefined, settled: false, outcome, settle: () => undefined };
    leg.settle = (o) => {
      if (leg.settled) return;
      leg.settled = true;
      // A failed leg must not hold the sender back any more.
      if (!o.delivered) leg.queue.abandon();
      options.onOutcome?.(o);
      settle(o);
    };
    return leg;
  };
  const start = (leg: Leg, session: MsrpSession): void => {
    // RFC 4975 §7.1.1: the focus is the sender of a new message on each leg, with its own
    // Message-ID; Failure-Report stays `yes` so each chunk's 200 tells us the member has it.
    const message = session.send(leg.queue, {
      size,
      contentType: info.contentType ?? 'application/octet-stream',
      failureReport: 'yes',
      chunkSize: options.chunkSize ?? 64 * 1024,
      ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: options.transactionTimeoutMs }),
    });
    leg.message = message;
    message.done.then(
      () => leg.settle({ member: leg.member, delivered: true }),
      (error: unknown) => {
        const e = error instanceof CpmError ? error : new CpmError('ERR_FOCUS_LEG', String(error));
        leg.settle({ member: leg.member, delivered: false, status: e instanceof MsrpStatusError ? e.status : 408, error: e });
      },
    );
  };
  const highWaterMark = options.highWaterMark ?? 256 * 1024;
  const legs: Leg[] = targets.map(({ member, session }) => {
    const leg = newLeg(member, highWaterMark);
    start(leg, session);
    return leg;
  });
  for (const member of waitingMembers) legs.push(newLeg(member, options.waitingHighWaterMark ?? 16 * 1024 * 1024));

  const outcomes = Promise.all(legs.map((leg) => leg.outcome));

  let expected = 1;
  let ended = false;
  const live = (): Leg[] => legs.filter((l) => !l.settled && !l.queue.abandoned);

  return {
    outcomes,
    drop(member, reason) {
      for (const leg of legs) {
        if (leg.member !== member || leg.settled) continue;
        const error = new CpmError('ERR_FOCUS_LEG_ENDED', reason);
        leg.queue.fail(error);
        leg.queue.abandon();
        if (leg.message === undefined) leg.settle({ member, delivered: false, error });
        else leg.message.abort();
      }
    },
    attach(member, session) {
      const leg = legs.find((l) => l.member === member && l.message === undefined && !l.settled);
      if (leg === undefined) return false;
      // From now on the member's queue drains as fast as it takes the data: the usual bound.
      const queue = new ByteQueue(highWaterMark);
      for (const chunk of leg.queue.drain()) queue.push(chunk);
      if (ended) queue.end();
      leg.queue.abandon();
      leg.queue = queue;
      start(leg, session);
      return true;
    },
    waiting(member) {
      return legs.some((l) => l.member === member && l.message === undefined && !l.settled);
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
      ended = true;
      if (flag === '#') {
        // RFC 4975 §7.1: the sender aborted (or its connection dropped): abort every leg too.
        for (const leg of legs) {
          const error = new CpmError('ERR_MSRP_ABORTED', 'the sender aborted the message');
          leg.queue.fail(error);
          if (leg.message === undefined) leg.settle({ member: leg.member, delivered: false, error });
          else leg.message.abort();
        }
        await outcomes;
        return;
      }
      for (const leg of legs) leg.queue.end();
      // The session sends the success REPORT only if this resolves: it must mean "delivered". A
      // member that took the file is enough; members still being invited get theirs later and
      // are reported in the conference state, so they do not hold the sender's REPORT back.
      const started = await Promise.all(legs.filter((l) => l.message !== undefined).map((l) => l.outcome));
      if (started.some((r) => r.delivered)) return;
      const results = await outcomes;
      if (!results.some((r) => r.delivered)) throw new CpmError('ERR_FOCUS_NOT_DELIVERED', 'no member received the file');
    },
  };
}
