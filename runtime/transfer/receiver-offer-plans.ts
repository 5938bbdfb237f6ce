// Planning the answer to an offer, m-line by m-line (RFC 5547 §8.2-8.4): whether each offered
// file is taken (the generated rules, the user's accept callback, the size limit), whether a
// re-offer keeps, closes or replaces a transfer (§8.1), and, for a file taken, its writer and MSRP
// session. Nothing here answers the request; the plans go to the answer and to startLines.

import { ReceivingWriter } from '../files/receiving-writer.ts';
import { answerSetup, type ReofferedMedia } from '../sdp/offer-answer.ts';
import { getDirection, getSetup, isMsrpMedia, type SetupRole } from '../sdp/msrp-attributes.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import type { FileAttributesValue } from './file-transfer-procedures.ts';
import { consultedPoints, mlineAnswerOf, planReceiverEvent, reofferAnswerOf, type MlineAnswer } from './receiver-answer-plan.ts';
import { announcedTotalProblem, createSink } from './receiver-data-sink.ts';
import { failLine } from './receiver-line-end.ts';
import type { FileTransferReceiverOptions } from './receiver-options.ts';
import { describeError, noop, type IncomingLine, type IncomingSession, type LinePlan, type ReceiverContext } from './receiver-session-state.ts';
import { partialBytes, seedFromPartial, type PartialIdentity } from './resumable-partial.ts';
import type { OfferedFileInfo } from './transfer-types.ts';

/**
 * Plans every m-line of an offer. When one fails (a spec that concludes nothing, or two things,
 * for an m-line is a typed error), the lines already prepared are discarded before the error goes
 * on, so no temporary file or MSRP session outlives the refused INVITE.
 */
export async function planAll(context: ReceiverContext, session: IncomingSession, media: readonly SdpMedia[]): Promise<LinePlan[]> {
  const settled = await Promise.allSettled(media.map((m, index) => planNewLine(context, session, m, index)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed === undefined) return settled.map((r) => (r as PromiseFulfilledResult<LinePlan>).value);
  await discardPlans(settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
  throw failed.reason;
}

/** Plans each m-line of a re-offer into `plans`; the transfers it ends go to `closing`. */
export async function planReoffer(context: ReceiverContext, session: IncomingSession, offer: SessionDescription, items: readonly ReofferedMedia[], plans: LinePlan[], closing: IncomingLine[]): Promise<void> {
  for (const item of items) {
    const previous = session.lines[item.index];
    const media = offer.media[item.index] as SdpMedia;
    if (previous === undefined) {
      // No transfer on this m-line (refused or closed before, or appended): a live m-line with
      // a transfer id other than before is a file offer like any other; the rest stays closed.
      plans.push(item.status === 'new' ? await planNewLine(context, session, media, item.index) : { kind: 'reject', declined: false });
      continue;
    }
    // RFC 5547 §8.1 (rules RFC5547-8.1-*): the generated rules say whether the re-offer keeps,
    // closes, or replaces the transfer the m-line carries.
    const plan = planReceiverEvent(context.options.procedures.handlers, 'mline-reoffered', {
      'port-zero': item.status === 'closed',
      'transfer-id-changed': item.status === 'new',
    });
    const decided = reofferAnswerOf(plan);
    context.options.log?.({ kind: 'file', event: 'reoffer', index: item.index, name: previous.name, outcome: decided.kind, rule: decided.rule });
    if (decided.kind === 'keep') {
      plans.push({ kind: 'keep', line: previous });
      continue;
    }
    closing.push(previous);
    plans.push(decided.kind === 'new' ? await planNewLine(context, session, media, item.index) : { kind: 'reject', declined: false });
  }
}

/** Reads one offered m-line and, if it describes a file we take, prepares its writer and session. */
async function planNewLine(context: ReceiverContext, session: IncomingSession, media: SdpMedia, index: number): Promise<LinePlan> {
  if (media.port === 0 || !isMsrpMedia(media)) return { kind: 'reject', declined: false };
  const attrs = context.options.procedures.fileAttributes.parse(media.attributes);
  if (!attrs.ok) {
    context.options.log?.({ kind: 'file', event: 'bad-offer', index, message: attrs.error.message });
    return { kind: 'reject', declined: false };
  }
  const selector = attrs.value.fileSelector;
  const info: OfferedFileInfo = {
    from: session.from,
    ...(session.fromName !== undefined ? { fromName: session.fromName } : {}),
    name: selector?.name ?? 'file',
    size: selector?.size,
    type: selector?.type,
    hash: selector?.hash?.digest,
    transferId: attrs.value.fileTransferId,
  };
  const max = context.options.maxSize;
  const withinMax = max === undefined || info.size === undefined || info.size <= max;
  const pushed = getDirection(media) === 'sendonly';
  const answer = await answerRules(context, info, pushed, withinMax);
  const accepted = answer.kind === 'receive';
  // The application hears of pushed files only (a recvonly or sendrecv m-line offers it nothing to take).
  if (pushed) context.emit('offer', { ...info, accepted });
  context.options.log?.({ kind: 'file', event: 'offer', name: info.name, size: info.size, transferId: info.transferId, accepted, rule: answer.rule });
  if (answer.kind !== 'receive') {
    if (!pushed) return { kind: 'reject', declined: false };
    // The size limit is ours, not the user's choice: the sender is told the limit, so it can say
    // more than "rejected" (RFC 3261 §20.43 Warning, free text).
    return !withinMax && max !== undefined
      ? { kind: 'reject', declined: true, warning: `${info.name} is ${info.size} bytes; this receiver takes files up to ${max} bytes` }
      : { kind: 'reject', declined: true };
  }
  // A resume needs the whole identity: a selector without a hash cannot prove it is the same file.
  const identity: PartialIdentity | undefined = selector?.name !== undefined && selector.size !== undefined && selector.hash !== undefined
    ? { name: selector.name, size: selector.size, hash: selector.hash }
    : undefined;
  const rangeStart = await resumableStart(context, attrs.value, identity, index);
  if (rangeStart === undefined) return { kind: 'reject', declined: false };
  let writer: ReceivingWriter;
  try {
    // The temporary file is created with the first chunk: an accepted m-line whose data never
    // comes costs no descriptor.
    writer = await ReceivingWriter.deferred({ folder: context.options.dir, offeredName: info.name, ...(info.size !== undefined ? { expectedSize: info.size } : {}) });
  } catch (error) {
    // An accepted offer we cannot store: the application hears it failed (not just offered) and
    // the sender is told why, in a Warning (RFC 3261 §20.43) on the refusal.
    const reason = `cannot store ${info.name} in the receiving folder: ${describeError(error)}`;
    context.options.log?.({ kind: 'file', event: 'writer-failed', name: info.name, message: reason });
    if (pushed) context.emit('file-failed', { transferId: info.transferId, name: info.name, reason });
    return { kind: 'reject', declined: false, warning: reason };
  }
  if (rangeStart > 1 && identity !== undefined) {
    // The kept bytes go through the writer too, so the final hash covers the whole file.
    try {
      await seedFromPartial(context.options.dir, identity, writer, rangeStart - 1);
    } catch (error) {
      const reason = `cannot resume ${info.name} from its kept part: ${describeError(error)}`;
      context.options.log?.({ kind: 'file', event: 'resume-failed', name: info.name, message: reason });
      await writer.abort().catch(noop);
      if (pushed) context.emit('file-failed', { transferId: info.transferId, name: info.name, reason });
      return { kind: 'reject', declined: false, warning: reason };
    }
    context.options.log?.({ kind: 'file', event: 'resume', name: info.name, from: rangeStart, size: identity.size });
  }
  const holder: { line?: IncomingLine } = {};
  const msrp = context.options.endpoint.createSession({
    ...(max !== undefined ? { maxMessageSize: max } : {}),
    ...(context.options.matchSessionIdOnly === true ? { matchSessionIdOnly: true } : {}),
    delegate: {
      onMessageStart: (message) => {
        const line = holder.line;
        // One file per m-line (RFC 5547 §8): a second message on the session is refused.
        // RFC 4975 §10: 481, the session this message was meant for is gone (the line failed or
        // was closed before any byte came).
        if (line !== undefined && line.state === 'failed') return { reject: 481, comment: 'the file transfer was closed' };
        if (line === undefined || line.state !== 'waiting') return { reject: 403, comment: 'one file per session' };
        const wrongTotal = announcedTotalProblem(line, message.size);
        if (wrongTotal !== undefined) {
          // RFC 4975 §10 400: the message announces another size than the offer; nothing is stored.
          failLine(context, line, wrongTotal, false);
          return { reject: 400, comment: 'Byte-Range total differs from the offered size' };
        }
        line.state = 'receiving';
        return createSink(context, session, line, message.size);
      },
      onClose: (error) => {
        const line = holder.line;
        if (line === undefined) return;
        const open = line.state === 'waiting' || line.state === 'receiving';
        if (line.state === 'waiting') failLine(context, line, `MSRP connection closed: ${error.message}`, true, error.code);
        // The file was not complete when its connection went: the session is over (the sender
        // cannot go on without it), so it is ended here instead of waiting for a BYE that a dead
        // sender never sends.
        if (open) context.endedByUs(session, { cause: 'msrp-connection-lost', text: `the MSRP connection closed before ${line.name} was complete (${error.message})` });
      },
    },
  });
  const line: IncomingLine = {
    index,
    transferId: info.transferId,
    name: info.name,
    size: info.size,
    attributes: attrs.value,
    writer,
    session: msrp,
    setup: answeredSetup(context.options, media),
    answer,
    state: 'waiting',
    finalization: undefined,
    discarded: undefined,
    identity,
    rangeStart,
    lastWrite: Promise.resolve(),
  };
  holder.line = line;
  return { kind: 'new', line };
}

/**
 * RFC 5547 §8 (rules RFC5547-8-1.*): the generated rules of file-offer-received decide whether
 * this m-line is taken and what the answer repeats. The accept-file decision point is answered
 * by the user's `accept` callback (a throwing one declines), else by our size limit; it is asked
 * only when a rule consults that point (the handler runs once to see whether it does, then again
 * with the answer).
 */
async function answerRules(context: ReceiverContext, info: OfferedFileInfo, pushed: boolean, withinMax: boolean): Promise<MlineAnswer> {
  const handlers = context.options.procedures.handlers;
  const facts = { 'offer-sendonly': pushed };
  if (!consultedPoints(handlers, 'file-offer-received', facts).includes('accept-file')) {
    return mlineAnswerOf(planReceiverEvent(handlers, 'file-offer-received', facts), 'file-offer-received');
  }
  const accept = context.options.accept;
  let answer = withinMax;
  if (accept !== undefined) {
    try {
      answer = await accept(info);
    } catch {
      answer = false;
    }
  }
  return mlineAnswerOf(planReceiverEvent(handlers, 'file-offer-received', facts, { 'accept-file': answer }), 'file-offer-received');
}

/**
 * RFC 5547 §6 file-range: which file byte the offered transfer starts at, or undefined when we
 * cannot take the offer. Resuming means continuing a partial copy we kept of the very same file
 * (same hash, name and size) that already holds every byte before the offered start; a push
 * answerer cannot answer with a range of its own (§8.2), so anything else declines the m-line.
 */
async function resumableStart(context: ReceiverContext, attributes: FileAttributesValue, identity: PartialIdentity | undefined, index: number): Promise<number | undefined> {
  const range = attributes.fileRange;
  if (range === undefined) return 1;
  const size = identity?.size;
  const toEnd = range.stop === '*' || range.stop === size;
  if (range.start === 1 && toEnd) return 1;
  const decline = (why: string): undefined => {
    context.options.log?.({ kind: 'file', event: 'resume-declined', index, from: range.start, reason: why });
    return undefined;
  };
  if (identity === undefined) return decline('the offer names no hash, name and size to match a partial copy');
  if (!toEnd) return decline(`only ranges up to the end of the file are taken, got ${range.start}-${range.stop}`);
  if (range.start > identity.size + 1) return decline(`start ${range.start} is past the size ${identity.size}`);
  const kept = await partialBytes(context.options.dir, identity);
  if (kept < range.start - 1) return decline(`${kept} bytes kept, ${range.start - 1} needed before byte ${range.start}`);
  return range.start;
}

/** The a=setup we answer an m-line with (RFC 4145 §4.1, RFC 6135 §4), or none at all. */
function answeredSetup(options: FileTransferReceiverOptions, media: SdpMedia): SetupRole | undefined {
  const offered = getSetup(media);
  const wanted = options.setup;
  if (wanted === 'none') return undefined;
  // RFC 4145 §4.1: only an actpass offer leaves the answerer the choice of role.
  if (wanted !== undefined && offered === 'actpass') return wanted;
  return answerSetup(offered);
}

/** Closes the MSRP sessions and drops the writers of lines planned for an answer that never went out. */
export async function discardPlans(plans: readonly LinePlan[]): Promise<void> {
  for (const plan of plans) {
    if (plan.kind !== 'new') continue;
    plan.line.session.close();
    await plan.line.writer.abort().catch(noop);
  }
}
