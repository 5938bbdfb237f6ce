// Clause 7.6.1 step 4: once the last SEND of the batch is acknowledged (its 200, or the success
// REPORT when one was asked for), the step-4 rules either continue the session with a re-INVITE
// carrying the next batch (4.a, 4.b, 4.b.i, 4.b.ii) or release it (4.c via 7.6.2). Nothing else
// happens: a situation no rule covers is a typed error naming it, not a runtime default.

import { buildFileInviteBody, iconPartsOf } from './file-invite-body.ts';
import { CpmError } from '../errors.ts';
import { sessionOutcomeEvents, type ProcedureEvent, type ProcedureGuard } from '../procedure/vocabulary.ts';
import { buildReoffer, validateAnswer, type NegotiatedMedia, type ReofferSlot } from '../sdp/offer-answer.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import type { SipResponse } from '../sip/syntax/sip-message.ts';
import type { Result } from '../errors.ts';
import { refuseIfProhibited, type AfterLastSendPlan } from './action-executors.ts';
import { newFileTransferId } from './file-offer.ts';
import { countUnusedMlines, planMlines, type MlineSlot } from './mline-plan.ts';
import type { SenderRun } from './sender-run.ts';
import { fileMedia, newMsrpSession, resumeStart } from './sender-mlines.ts';
import { releaseSession } from './sender-release.ts';
import { legacySetup, parseAnswer, sipErrorFailure, type Line, type QueuedItem, type SessionState } from './sender-session-state.ts';

/** The next batch's negotiation, ready for the data path. */
export interface NextBatch {
  readonly negotiated: Result<NegotiatedMedia[]>;
  readonly active: number[];
  readonly answerSdp: SessionDescription;
}

/** What step 4 did: released the session, started the next batch, or tried and failed it. */
export type AfterLastSendOutcome = { readonly kind: 'released' } | { readonly kind: 'next-batch'; readonly next: NextBatch } | { readonly kind: 'batch-failed' };

export async function afterLastSend(run: SenderRun, state: SessionState): Promise<AfterLastSendOutcome> {
  const facts = (): Record<ProcedureGuard, boolean> => {
    const slots: MlineSlot[] = state.lines.map((l) => ({ index: l.index, fileTransferId: l.transferId }));
    return run.facts({
      'pending-files-same-destination': run.queue.length > 0,
      'unused-mlines': countUnusedMlines(slots, run.queue[0]?.length ?? 0) > 0,
      // Toward a tuned peer (peer-data-path.ts) the SENDs asked for success REPORTs even if the
      // application did not, and under Failure-Report: partial no 200 comes: the success REPORT
      // is the acknowledgement, so step 4 runs on success-report-received.
      ...(state.lines.some((l) => l.dataPath?.successReport === true) ? { 'success-report-requested': true } : {}),
    });
  };
  // The success REPORTs have already been awaited per file, so both events have happened by now;
  // each rule only acts on the one it is guarded for.
  const holding = facts();
  const events: ProcedureEvent[] = sessionOutcomeEvents.filter((e) => e.raisedWhen === null || holding[e.raisedWhen]).map((e) => e.event);
  const plan = run.plan('after-last-send', events, facts);
  const situation = `after the last SEND (${events.join(', ')}; facts: ${trueFacts(facts())})`;
  if (plan.release !== undefined && plan.reinvite !== undefined) {
    throw new CpmError('ERR_PROCEDURE_CONFLICT', `${situation}: rule ${plan.release.rule} releases the session while rule ${plan.reinvite.rule} continues it with a re-INVITE`);
  }
  if (plan.release !== undefined) {
    refuseIfProhibited(plan, 'follow-clause', plan.release.args);
    await releaseSession(run, state);
    return { kind: 'released' };
  }
  if (plan.reinvite === undefined) {
    throw new CpmError('ERR_PROCEDURE_UNCOVERED', `${situation}: no rule released the session or continued it with a re-INVITE`);
  }
  if (plan.takePending === undefined) {
    throw new CpmError('ERR_PROCEDURE_UNCOVERED', `${situation}: rule ${plan.reinvite.rule} sends a re-INVITE, but no rule took the pending files into the session`);
  }
  refuseIfProhibited(plan, 'check-pending-files');
  refuseIfProhibited(plan, 'send-reinvite');
  const batch = run.queue.shift();
  if (batch === undefined) {
    throw new CpmError('ERR_PROCEDURE_UNCOVERED', `${situation}: rule ${plan.reinvite.rule} sends a re-INVITE, but no files are pending for it`);
  }
  const next = await reinvite(run, state, plan, batch);
  return next === undefined ? { kind: 'batch-failed' } : { kind: 'next-batch', next };
}

const trueFacts = (facts: Record<ProcedureGuard, boolean>): string => Object.entries(facts).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none';

/** Step 4.b: re-INVITE carrying the next batch on reused / appended m-lines. */
async function reinvite(run: SenderRun, state: SessionState, plan: AfterLastSendPlan, batch: readonly QueuedItem[]): Promise<NextBatch | undefined> {
  const files = await run.prepare(batch);
  if (files.length === 0) return undefined;
  if (plan.reuse !== undefined) refuseIfProhibited(plan, 'reuse-mline');
  if (plan.closeUnused !== undefined) refuseIfProhibited(plan, 'close-unused-mline');
  const slots: MlineSlot[] = state.lines.map((l) => ({ index: l.index, fileTransferId: l.transferId }));
  const assignments = planMlines(slots, files, { reuse: plan.reuse !== undefined, closeUnused: plan.closeUnused !== undefined });
  const reofferSlots: ReofferSlot[] = [];
  const added: SdpMedia[] = [];
  const active: number[] = [];
  for (const assignment of assignments) {
    const line = state.lines[assignment.index];
    switch (assignment.kind) {
      case 'reuse':
      case 'add': {
        // RFC 5547 §8.4 / INTEROP 12: a reused m-line gets a new file-transfer-id and a new MSRP
        // session (never reuse a session id); a new file beyond the old m-lines is appended.
        line?.session?.close();
        const target: Line = line ?? { index: assignment.index, transferId: null, session: undefined, file: undefined };
        target.transferId = newFileTransferId();
        target.lateFailure = undefined;
        target.session = newMsrpSession(run, target);
        target.file = assignment.file;
        target.rangeStart = resumeStart(run, assignment.file, state.withFileAttributes);
        const media = fileMedia(run, state, assignment.file, target);
        if (assignment.kind === 'reuse') reofferSlots.push({ kind: 'replace', attributes: media.attributes, port: media.port });
        else { state.lines.push(target); added.push(media); }
        active.push(assignment.index);
        break;
      }
      case 'close':
        // RFC 3264 §8.2 / step 4.b.ii: port 0 closes the m-line in place and ends its MSRP session.
        line?.session?.close();
        if (line) { line.session = undefined; line.transferId = null; line.file = undefined; }
        reofferSlots.push({ kind: 'close' });
        break;
      case 'keep':
      case 'keep-closed':
        reofferSlots.push({ kind: 'keep' });
        break;
    }
  }
  const reoffer = buildReoffer(state.offer, reofferSlots, added);
  const dialog = state.dialog;
  if (!reoffer.ok || dialog === undefined) {
    for (const f of files) run.failFile(f, { source: 'local', message: reoffer.ok ? 'no dialog' : reoffer.error.message });
    return undefined;
  }
  const dropActive = (): void => { for (const index of active) { const l = state.lines[index]; l?.session?.close(); if (l) l.session = undefined; } };
  // RFC 3264 §8: a re-offer that fails leaves the previous description in force.
  const previousOffer = state.offer;
  state.offer = reoffer.value;
  let response: SipResponse;
  try {
    // RFC 5547 §6: icons of the files this re-offer brings, for the m-lines that point at them.
    const sdp = serializeSessionDescription(reoffer.value);
    const { body, contentType } = buildFileInviteBody({ sdp, icons: iconPartsOf(files).filter((i) => sdp.includes(`a=file-icon:cid:${i.contentId}`)) });
    ({ response } = await run.settings.ua.reinvite(dialog, body, contentType));
  } catch (error) {
    state.offer = previousOffer;
    for (const f of files) run.failFile(f, sipErrorFailure(error, 're-INVITE: '));
    dropActive();
    return undefined;
  }
  if (response.status < 200 || response.status >= 300) {
    const source = response.status === 408 ? 'timeout' : 'sip-response';
    state.offer = previousOffer;
    for (const f of files) run.failFile(f, { source, status: response.status, message: `re-INVITE: ${response.status} ${response.reason}` });
    dropActive();
    return undefined;
  }
  const answer = parseAnswer(response);
  if (!answer.ok) {
    for (const f of files) run.failFile(f, { source: 'sip-response', status: response.status, message: answer.message });
    return undefined;
  }
  return { negotiated: validateAnswer(state.offer, legacySetup(state.offer, answer.sdp), { rfc5547: state.rfc5547 }), active, answerSdp: answer.sdp };
}
