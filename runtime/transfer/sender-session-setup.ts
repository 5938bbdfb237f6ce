// Clause 7.6.1 steps 1-3: the set-up rules pick the session procedure (follow-clause 7.3.1,
// 7.4.1.1 or 7.4.1.2, through clause-procedures.ts), whether the offer carries the RFC 5547 file
// attributes and whether each file gets its own m-line; this module builds that offer, sends the
// INVITE and reads the answer.

import { CpmError } from '../errors.ts';
import { validateAnswer } from '../sdp/offer-answer.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import { cpmIcsi, cpmInviteHeaders } from '../sip/cpm-headers.ts';
import type { SipResponse } from '../sip/syntax/sip-message.ts';
import { refuseIfProhibited } from './action-executors.ts';
import { buildSessionOffer, newFileTransferId, type PreparedFile } from './file-offer.ts';
import { buildFileInviteBody, iconPartsOf } from './file-invite-body.ts';
import type { NextBatch } from './sender-after-last-send.ts';
import { subscribeConference } from './sender-group-members.ts';
import type { SenderRun } from './sender-run.ts';
import { fileMedia, newMsrpSession, resumeStart } from './sender-mlines.ts';
import { releaseSession } from './sender-release.ts';
import { closeLines, legacySetup, parseAnswer, sipErrorFailure, warningFor, type Line, type QueuedItem, type SessionState } from './sender-session-state.ts';
import { parseWarningTexts } from '../sip/syntax/warning-header.ts';

/** A session that came up, with the negotiation of its first batch. */
export interface EstablishedSession {
  readonly state: SessionState;
  readonly first: NextBatch;
}

/** Sets a session up for `batch`; undefined when it did not come up (its files have failed). */
export async function setUpSession(run: SenderRun, batch: readonly QueuedItem[]): Promise<EstablishedSession | undefined> {
  const files = await run.prepare(batch);
  if (files.length === 0) return undefined;

  const plan = run.plan('set-up', ['send-files-requested'], () => run.facts({ 'more-than-one-file': files.length > 1 }));
  if (plan.setUp === undefined) {
    throw new CpmError('ERR_PROCEDURE_UNCOVERED', `sending ${files.length} file(s) to a ${run.destination.kind}: no rule chose a session set-up clause`);
  }
  refuseIfProhibited(plan, 'follow-clause', plan.setUp.decision.args);
  if (plan.rfc5547 !== undefined) refuseIfProhibited(plan, 'apply-rfc5547');
  if (plan.fileAttributes !== undefined) refuseIfProhibited(plan, 'add-file-attributes');
  const withFileAttributes = plan.fileAttributes !== undefined;
  // How several files are described is the rules' choice (7.6.1-3, RFC 5547); `spec check` rejects a
  // spec that leaves it open (`unspecified`), so a handler that does is a typed error, never a default.
  if (files.length > 1 && plan.mlinePerFile === undefined) {
    throw new CpmError('ERR_PROCEDURE_UNCOVERED', `sending ${files.length} files to a ${run.destination.kind}: no rule says how several files are described`);
  }
  if (plan.mlinePerFile !== undefined) refuseIfProhibited(plan, 'one-mline-per-file');
  if (plan.successReports !== undefined) refuseIfProhibited(plan, 'request-success-reports');
  const offered = files;

  const procedure = plan.setUp.procedure;
  const invite = procedure.inviteTarget(run.destination);
  if (!invite.ok) {
    run.failUnprepared(offered, { source: 'local', message: invite.error });
    return undefined;
  }

  const state: SessionState = { dialog: undefined, offer: buildSessionOffer(run.settings.endpoint.host, []), lines: [], released: false, withFileAttributes, rfc5547: plan.rfc5547 !== undefined, successReports: plan.successReports !== undefined };
  run.current = state;
  for (const file of offered) {
    const line: Line = { index: state.lines.length, transferId: newFileTransferId(), session: undefined, file };
    line.rangeStart = resumeStart(run, file, withFileAttributes);
    line.session = newMsrpSession(run, line);
    state.lines.push(line);
    state.offer.media.push(fileMedia(run, state, file, line));
  }

  const sdp = serializeSessionDescription(state.offer);
  const { headers } = cpmInviteHeaders({ conversationId: run.conversationId, icsi: cpmIcsi.fileTransfer });
  // RFC 5366 §4 recipient list and RFC 5547 §6 icons share one multipart/mixed body with the SDP.
  const recipients = invite.value.recipients;
  const { body, contentType } = buildFileInviteBody({ sdp, ...(recipients !== undefined ? { recipients } : {}), icons: iconPartsOf(offered) });
  // RFC 5366 §4: the factory must understand the list, or refuse the INVITE.
  if (recipients !== undefined) headers.push({ name: 'Require', value: 'recipient-list-invite' });

  let answerSdp: SessionDescription;
  try {
    const pending = run.settings.ua.invite(invite.value.target, {
      body, contentType, headers,
      // A silent peer: say where the INVITE went while the transaction goes on waiting.
      onNoAnswer: (note) => {
        const { host, port } = note.destination;
        const event = { target: note.target, transport: note.transport, address: `${host.includes(':') ? `[${host}]` : host}:${port}`, waitedMs: note.waitedMs, giveUpAfterMs: note.giveUpAfterMs };
        run.log({ kind: 'sip', event: 'no-answer', ...event });
        run.emit('no-answer', event);
      },
    });
    run.pendingInvite = pending;
    // An abort does not wait for a peer that never answers: the UA CANCELs (and BYEs a late 2xx).
    const result = await Promise.race([pending, run.abortSignal]).finally(() => { run.pendingInvite = undefined; });
    if (result === 'aborted') {
      closeLines(state);
      run.failUnprepared(offered, run.stopFailure());
      return undefined;
    }
    if (result.kind === 'rejected') {
      inviteRejected(run, state, offered, result.response);
      return undefined;
    }
    state.dialog = result.dialog;
    state.warnings = parseWarningTexts(result.response.headers.getAll('Warning'));
    state.peerServer = result.response.headers.get('Server');
    // CPM 7.4.1.x sessions end at a focus: ask it for the members' state (RFC 4575).
    if (procedure.atFocus) subscribeConference(run, state, result.dialog);
    const answer = parseAnswer(result.response);
    if (!answer.ok) {
      for (const line of state.lines) if (line.file) run.failFile(line.file, { source: 'sip-response', status: result.response.status, message: answer.message });
      await releaseSession(run, state);
      return undefined;
    }
    answerSdp = answer.sdp;
  } catch (error) {
    closeLines(state);
    run.failUnprepared(offered, sipErrorFailure(error));
    return undefined;
  }
  const negotiated = validateAnswer(state.offer, legacySetup(state.offer, answerSdp), { rfc5547: state.rfc5547 });
  return { state, first: { negotiated, active: state.lines.map((l) => l.index), answerSdp } };
}

function inviteRejected(run: SenderRun, state: SessionState, files: readonly PreparedFile[], response: SipResponse): void {
  closeLines(state);
  // RFC 3261 §17.1.1.2: a locally generated 408 is the transaction timing out.
  const source = response.status === 408 ? 'timeout' : 'sip-response';
  for (const file of files) {
    const rangeStart = state.lines.find((l) => l.file === file)?.rangeStart;
    let message = `${response.status} ${response.reason}${warningFor(parseWarningTexts(response.headers.getAll('Warning')), file.name)}`;
    if (rangeStart !== undefined) {
      // RFC 5547 §8.2: the answerer could only decline our range; the next send is a full one.
      run.resumeBook.forget(run.destination, file);
      message += `: the receiver declined to resume ${file.name} from byte ${rangeStart}; send it again for a full transfer`;
    }
    run.failFile(file, { source, status: response.status, message });
  }
}
