// The files of one group session being relayed from the sender to the members (RFC 4975 §7: the
// focus ends the sender's MSRP session and starts one per member), with each member's outcome
// reported in the conference state and as focus events.

import {
  type IncomingMessageInfo, type MessageRejection, type MessageSink, type MsrpSession, newTransactionId,
  serializeReport,
} from '../../runtime/index.ts';
import type { ConferenceState } from './conference-state.ts';
import type { FocusEvent } from './focus-types.ts';
import type { Leg } from './member-leg.ts';
import { createRelaySink, type RelayOutcome, type RelaySink } from './relay-message-sink.ts';

/** What the relays need from their group session. */
export interface MemberFileRelaysContext {
  readonly session: string;
  readonly relayHighWaterMark: number;
  readonly waitingMemberBufferBytes: number;
  readonly msrpTransactionTimeoutMs: number;
  readonly conference: ConferenceState;
  readonly emit: (event: FocusEvent) => void;
  /** The conference state changed (subscribers get a NOTIFY). */
  readonly changed: () => void;
  /** MSRP traffic from the sender, or the end of a file: the session is not idle. */
  readonly activity: () => void;
  /** The a=file-transfer-id of the sender's m-line. */
  readonly transferId: (index: number) => string;
}

interface Relay { readonly index: number; readonly transferId: string; readonly sink: RelaySink }

export class MemberFileRelays {
  readonly #ctx: MemberFileRelaysContext;
  /** Files being relayed (and kept for members still being invited), with their m-line. */
  readonly #relays = new Set<Relay>();
  /** Transfer ids whose data has started: a member accepting one later joins its relay or misses it. */
  readonly #started = new Set<string>();
  /** Files of the sender being relayed now (their MSRP connection may not close yet). */
  #relaying = 0;

  constructor(ctx: MemberFileRelaysContext) {
    this.#ctx = ctx;
  }

  get busy(): boolean { return this.#relaying > 0; }

  /** The data of this file has started flowing. */
  started(transferId: string): boolean { return this.#started.has(transferId); }

  /** A member is gone, or its copy of the files failed: no relay waits for it or writes to it. */
  drop(member: string, reason: string): void {
    for (const relay of this.#relays) relay.sink.drop(member, reason);
  }

  /** A member that accepted late joins the relay of file `transferId` on m-line `index` when it was kept for it. */
  attachLate(index: number, transferId: string | undefined, member: string, session: MsrpSession): boolean {
    const relay = [...this.#relays].find((r) => r.index === index && r.transferId === transferId && r.sink.waiting(member));
    return relay !== undefined && relay.sink.attach(member, session);
  }

  /** The sender starts a file on m-line `index`: relays it to the members who took it. */
  start(index: number, info: IncomingMessageInfo, inbound: MsrpSession, legs: readonly Leg[]): MessageSink | MessageRejection {
    const ctx = this.#ctx;
    const targets = legs.flatMap((leg) => {
      const session = leg.sessions[index];
      return !leg.ended && leg.accepted[index] === true && session !== undefined ? [{ member: leg.member, session }] : [];
    });
    // Members still being invited with this very file get it kept for them (createRelaySink).
    const transferId = ctx.transferId(index);
    const waiting = legs.filter((l) => !l.ended && !l.answered && l.offeredIds[index] === transferId).map((l) => l.member);
    // RFC 4975 §7.3: 403 says the request is refused and retrying will not help: nobody is
    // left to receive this file.
    if (targets.length === 0 && waiting.length === 0) return { reject: 403, comment: 'no member is receiving this file' };
    // The legs are new messages that need a declared size; the sender's Byte-Range total
    // gives it (RFC 5547 senders know their file's size). A '*' total cannot be streamed on.
    if (info.size === undefined) return { reject: 400, comment: 'the focus needs the total size in Byte-Range' };
    const relay = createRelaySink(info, targets, {
      highWaterMark: ctx.relayHighWaterMark,
      waitingHighWaterMark: ctx.waitingMemberBufferBytes,
      transactionTimeoutMs: ctx.msrpTransactionTimeoutMs,
      onOutcome: (o) => this.#memberOutcome(index, o),
    }, waiting);
    const entry = { index, transferId, sink: relay };
    this.#relays.add(entry);
    this.#started.add(transferId);
    this.#relaying += 1;
    void relay.outcomes.then((outcomes) => {
      this.#relays.delete(entry);
      this.#relaying -= 1;
      ctx.activity();
      ctx.emit({
        type: 'file-completed', session: ctx.session, media: index,
        delivered: outcomes.filter((o) => o.delivered).map((o) => o.member),
        failed: outcomes.filter((o) => !o.delivered).map((o) => o.member),
      });
    });
    return {
      write: (position, data) => {
        ctx.activity();
        return relay.write(position, data);
      },
      end: async (flag) => {
        try {
          await relay.end(flag);
        } catch (error) {
          if (flag === '$') sendFailureReport(inbound, info, await relay.outcomes);
          throw error;
        }
      },
    };
  }

  /** Our extension of RFC 4575 (runtime/group/conference-info.ts): the member's copy of this file. */
  #memberOutcome(index: number, o: RelayOutcome): void {
    const ctx = this.#ctx;
    ctx.conference.file(o.member, {
      transferId: ctx.transferId(index),
      outcome: o.delivered ? 'delivered' : 'failed',
      ...(o.status === undefined ? {} : { status: o.status }),
      ...(o.error === undefined ? {} : { reason: o.error.message }),
    });
    ctx.changed();
    ctx.emit({ type: 'file-relayed', session: ctx.session, media: index, member: o.member, delivered: o.delivered, ...(o.status === undefined ? {} : { status: o.status }), ...(o.error === undefined ? {} : { reason: o.error.message }) });
  }
}

/**
 * RFC 4975 §7.1.2: unless the sender said Failure-Report: no, it learns that the message did
 * not reach anyone from a REPORT with an error status. We pass on the members' own status when
 * they agree, else 408 (what a relay reports when the next hop never confirmed).
 */
function sendFailureReport(inbound: MsrpSession, info: IncomingMessageInfo, outcomes: readonly RelayOutcome[]): void {
  const conn = inbound.connection;
  const toPath = inbound.remotePath;
  if (info.failureReport === 'no' || conn === undefined || conn.closed || toPath === undefined) return;
  const statuses = new Set(outcomes.map((o) => o.status ?? 408));
  const code = statuses.size === 1 ? [...statuses][0] ?? 408 : 408;
  const total = info.size ?? 0;
  conn.write([serializeReport({
    transactionId: newTransactionId(), toPath, fromPath: [inbound.localUri], messageId: info.messageId,
    byteRange: { start: 1, end: total, total }, status: { namespace: 0, code, reason: 'not delivered to any member' },
  })]);
}
