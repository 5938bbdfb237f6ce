// The receiving side of CPM file transfer: answers INVITEs and re-INVITEs whose SDP describes files
// (RFC 5547 §8.2-8.4), runs one MSRP session per accepted m-line and writes each file through
// ReceivingWriter, which publishes it only once complete and verified. The jobs, one module each:
// receiver-admission.ts (per-peer and total session caps), receiver-offer-plans.ts (what each
// m-line of an offer becomes), receiver-sdp-answer.ts (the answer's SDP), receiver-data-sink.ts
// (chunks to disk, then the published file), receiver-line-end.ts (failed and closed lines). This
// file routes the SIP events, holds the sessions and ends them.

import { CpmError } from '../errors.ts';
import { DEFAULT_STALE_PART_AGE_MS, sweepStaleParts, type SweepReport } from '../files/sweep-stale-parts.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { getPath, getSetup } from '../sdp/msrp-attributes.ts';
import { classifyReoffer, connectingParty, type ReofferedMedia } from '../sdp/offer-answer.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import { dialogKey, type Dialog } from '../sip/dialog/dialog.ts';
import { parseNameAddr } from '../sip/syntax/name-addr.ts';
import type { IncomingInvite } from '../sip/user-agent-types.ts';
import { SessionAdmission, sessionPeerKey } from './receiver-admission.ts';
import { fileCandidates, LineBudget, type BudgetRefusal } from './receiver-line-budget.ts';
import { formatWarning } from '../sip/syntax/warning-header.ts';
import { closeLine, endSession, failLine } from './receiver-line-end.ts';
import { discardPlans, planAll, planReoffer } from './receiver-offer-plans.ts';
import type { FileTransferReceiverOptions } from './receiver-options.ts';
import { answerWarnings, buildReceiverAnswer, offerOf } from './receiver-sdp-answer.ts';
import { describeError, isOutOfDescriptors, noop, type IncomingLine, type IncomingSession, type LinePlan, type ReceiverContext } from './receiver-session-state.ts';
import { reasonHeaderFor, SessionLifetime, type SessionEnd } from './session-lifetime.ts';
import type { IncomingTransferEvents } from './transfer-types.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { withTimeout } from '../with-timeout.ts';

export type { FileTransferReceiverOptions } from './receiver-options.ts';
export { DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_PEER, DEFAULT_MAX_SESSIONS_PER_SOURCE, sessionPeerKey } from './receiver-admission.ts';
export { DEFAULT_MAX_MLINES_PER_SESSION, DEFAULT_MAX_OPEN_FILES, DEFAULT_MAX_OPEN_FILES_PER_SESSION, defaultMaxOpenFiles } from './receiver-line-budget.ts';

export class FileTransferReceiver extends TypedEmitter<IncomingTransferEvents> {
  readonly options: FileTransferReceiverOptions;
  readonly #sessions = new Map<string, IncomingSession>();
  readonly #byTransferId = new Map<string, IncomingLine>();
  readonly #admission: SessionAdmission;
  /** What the receiver's phases (the receiver-*.ts modules) share. */
  readonly #context: ReceiverContext;
  /** Settles when the start-up sweep of stale temporary files is over (undefined: it was off or failed). */
  readonly swept: Promise<SweepReport | undefined>;

  constructor(options: FileTransferReceiverOptions) {
    super();
    this.options = options;
    this.#admission = new SessionAdmission(options);
    this.#context = {
      options,
      emit: (event, payload) => this.emit(event, payload),
      byTransferId: this.#byTransferId,
      budget: new LineBudget(options),
      endedByUs: (session, end) => this.#endedByUs(session, end),
    };
    this.swept = this.#sweep().catch(() => undefined);
  }

  // The folder is shared with whatever ran before us: a killed receiver could not remove its
  // temporary files. Never throws; failures are logged.
  async #sweep(): Promise<SweepReport | undefined> {
    const age = this.options.staleTempPartAgeMs ?? DEFAULT_STALE_PART_AGE_MS;
    if (age === false) return undefined;
    const log = this.options.log;
    const result = await sweepStaleParts(this.options.dir, { maxAgeMs: age });
    if (!result.ok) {
      log?.({ kind: 'file', event: 'stale-part-sweep-failed', dir: this.options.dir, message: describeError(result.error) });
      return undefined;
    }
    for (const part of result.value.removed) {
      log?.({ kind: 'file', event: 'stale-part-removed', path: part.path, size: part.size, ageMs: Math.round(part.ageMs) });
    }
    for (const f of result.value.failed) {
      log?.({ kind: 'file', event: 'stale-part-sweep-failed', path: f.path, message: describeError(f.error) });
    }
    return result.value;
  }

  /** The MSRP session carrying a transfer (diagnostics and tests). */
  msrpSession(transferId: string): MsrpSession | undefined {
    return this.#byTransferId.get(transferId)?.session;
  }

  // ------------------------------------------------------------------ SIP entry points

  /** A new INVITE (the UA delegate's onInvite). */
  handleInvite(incoming: IncomingInvite): void {
    const peer = sessionPeerKey(incoming.request);
    const source = incoming.source.host;
    if (!this.#admission.admit(incoming, peer, source)) return;
    void this.#answerInvite(incoming, peer, source).then(
      (kept) => { if (!kept) this.#admission.leave(peer, source); },
      (error: unknown) => {
        this.#admission.leave(peer, source);
        this.#answerError(incoming, peer, error);
      },
    );
  }

  /** Incoming sessions currently held (answering or established), in total and per peer key. */
  get heldSessions(): { readonly total: number; readonly perPeer: ReadonlyMap<string, number> } {
    return this.#admission.held;
  }

  /** A re-INVITE in one of our dialogs. */
  handleReinvite(dialog: Dialog, incoming: IncomingInvite): void {
    const peer = this.#sessions.get(dialogKey(dialog.id))?.peer ?? sessionPeerKey(incoming.request);
    void this.#answerReinvite(dialog, incoming).catch((error: unknown) => this.#answerError(incoming, peer, error));
  }

  /** Files held (accepted, not yet closed) plus m-lines of offers being answered. */
  get heldFiles(): number { return this.#context.budget.inUse; }

  // Out of descriptors is this receiver's condition, not the offer's: 503 with a Warning and a
  // Retry-After, logged; anything else unexpected is 500.
  #answerError(incoming: IncomingInvite, peer: string, error: unknown): void {
    if (isOutOfDescriptors(error)) {
      this.options.log?.({ kind: 'file', event: 'descriptors-exhausted', message: describeError(error) });
      if (!incoming.answered) this.#refuseOverBudget(incoming, peer, { status: 503, limit: 'descriptors', warning: 'this receiver is out of file descriptors; try again later' });
      return;
    }
    this.#logAnswerError(error);
    if (!incoming.answered) incoming.reject(500);
  }

  /**
   * An INVITE or re-INVITE we could not answer. A spec whose rules conclude nothing (or two things)
   * for an m-line is logged as a procedure error with its code (ERR_PROCEDURE_*), anything else as
   * an internal error; either way the request is answered 500.
   */
  #logAnswerError(error: unknown): void {
    const code = error instanceof CpmError ? error.code : undefined;
    if (code !== undefined && code.startsWith('ERR_PROCEDURE_')) this.options.log?.({ kind: 'file', event: 'procedure-error', code, message: error instanceof Error ? error.message : String(error) });
    else this.options.log?.({ kind: 'file', event: 'internal-error', message: String(error) });
  }

  /**
   * BYE (or any other end of the dialog). Complete files are already published or being
   * finalized; anything unfinished is aborted, so no partial file appears under a final name.
   */
  handleBye(dialog: Dialog): void {
    const key = dialogKey(dialog.id);
    const session = this.#sessions.get(key);
    if (session === undefined) return;
    this.#sessions.delete(key);
    session.lifetime.dispose();
    void endSession(this.#context, session).then(() => {
      // The session's slot is free once its files are published or discarded.
      this.#admission.leave(session.peer, session.source);
      this.emit('session-end', { from: session.from, files: session.received });
    });
  }

  /** The ACK of our 2xx (to an INVITE or re-INVITE): MSRP must now come up within the set-up time. */
  handleAck(dialog: Dialog): void {
    const session = this.#sessions.get(dialogKey(dialog.id));
    if (session === undefined) return;
    if (session.lines.some((l) => l !== undefined && l.state === 'waiting' && l.session.connection === undefined)) session.lifetime.expectConnection();
    else session.lifetime.activity();
  }

  /**
   * We end the session (SessionLifetime decided, or its MSRP connection failed): BYE with the
   * cause in a Reason header, unfinished files dropped, and the session's slot freed as soon as
   * that is done, without waiting for the BYE's response.
   */
  #endedByUs(session: IncomingSession, end: SessionEnd): void {
    session.lifetime.dispose();
    const dialog = session.dialog;
    const key = dialog === undefined ? undefined : dialogKey(dialog.id);
    if (key === undefined || this.#sessions.get(key) !== session) return;
    this.#sessions.delete(key);
    this.options.log?.({ kind: 'file', event: 'session-ended', from: session.from, cause: end.cause, reason: end.text });
    const ua = this.options.ua;
    if (ua !== undefined && dialog !== undefined && dialog.state !== 'terminated') {
      ua.bye(dialog, [reasonHeaderFor(end)]).catch((error: unknown) => {
        this.options.log?.({ kind: 'sip', event: 'bye-failed', message: error instanceof Error ? error.message : String(error) });
      });
    }
    void endSession(this.#context, session, end.text).then(() => {
      this.#admission.leave(session.peer, session.source);
      this.emit('session-end', { from: session.from, files: session.received, reason: end.text });
    });
  }

  /** Open sessions (answered, not yet ended), for diagnostics and the soak. */
  get openSessions(): number { return this.#sessions.size; }

  /**
   * Stops receiving. Each open session first gets a BYE saying so (RFC 3326 Reason, cause 200: a
   * normal release), answered before its MSRP sessions go, so the sender reads "the receiver closed
   * the session" rather than the 481 its next chunk would otherwise meet.
   */
  async close(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const s of all) s.lifetime.dispose();
    const end: SessionEnd = { cause: 'closed', text: 'receiving stopped' };
    await Promise.all(all.map(async (s) => {
      const dialog = s.dialog;
      const ua = this.options.ua;
      if (ua !== undefined && dialog !== undefined && dialog.state !== 'terminated') {
        this.options.log?.({ kind: 'file', event: 'session-ended', from: s.from, cause: end.cause, reason: end.text });
        await withTimeout(ua.bye(dialog, [reasonHeaderFor(end)]), 2000, () => new Error('no answer to the BYE')).catch(noop);
      }
      await endSession(this.#context, s, end.text);
      this.#admission.leave(s.peer, s.source);
    }));
  }

  /** Answers a new INVITE; true when it became a session we hold (its slot stays taken). */
  async #answerInvite(incoming: IncomingInvite, peer: string, source: string): Promise<boolean> {
    const offer = offerOf(incoming.request);
    // RFC 3261 §21.4.26 / RFC 3264 §6: an offer we cannot read or use is refused with 488.
    if (offer === undefined || offer.media.length === 0) {
      incoming.reject(488);
      return false;
    }
    const fromHeader = incoming.request.headers.get('From') ?? '';
    const fromAddr = parseNameAddr(fromHeader);
    const from = fromAddr.ok ? fromAddr.value.uri : fromHeader;
    const fromName = fromAddr.ok ? fromAddr.value.displayName : undefined;
    const holder: { session?: IncomingSession } = {};
    const session: IncomingSession = {
      from,
      fromName,
      peer,
      source,
      dialog: undefined,
      lifetime: new SessionLifetime({
        ...(this.options.clock !== undefined ? { clock: this.options.clock } : {}),
        ...(this.options.msrpSetupTimeoutMs !== undefined ? { setupTimeoutMs: this.options.msrpSetupTimeoutMs } : {}),
        ...(this.options.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.options.idleTimeoutMs } : {}),
        busy: () => (holder.session?.lines ?? []).some((l) => l !== undefined && (l.state === 'waiting' || l.state === 'receiving' || l.state === 'finalizing')),
        onEnd: (end) => { if (holder.session !== undefined) this.#endedByUs(holder.session, end); },
      }),
      offer,
      lines: [],
      sessionVersion: 0n,
      sessionId: String(Date.now()),
      received: 0,
      started: 0,
      closing: new Set(),
    };
    holder.session = session;
    const candidates = fileCandidates(offer);
    const refused = this.#context.budget.admit(session, offer, candidates);
    if (refused !== undefined) {
      this.#refuseOverBudget(incoming, peer, refused);
      return false;
    }
    // The reservation covers the planning; the lines accepted are held from #startLines on.
    try {
      return await this.#planAndAnswer(incoming, session, offer);
    } finally {
      this.#context.budget.unreserve(candidates);
    }
  }

  /** An offer beyond maxMlinesPerSession, maxOpenFilesPerSession or maxOpenFiles: refused whole. */
  #refuseOverBudget(incoming: IncomingInvite, peer: string, refused: BudgetRefusal): void {
    this.options.log?.({ kind: 'file', event: 'offer-refused', peer, status: refused.status, limit: refused.limit, reason: refused.warning });
    const host = this.options.endpoint.host;
    const headers = [{ name: 'Warning', value: formatWarning(host.includes(':') ? `[${host}]` : host, refused.warning) }];
    // RFC 3261 §20.33: a 503 says when to try again.
    if (refused.status === 503) headers.push({ name: 'Retry-After', value: String(this.options.retryAfterSeconds ?? 10) });
    incoming.reject(refused.status, undefined, headers);
  }

  async #planAndAnswer(incoming: IncomingInvite, session: IncomingSession, offer: SessionDescription): Promise<boolean> {
    const plans = await planAll(this.#context, session, offer.media);
    if (incoming.cancelled) {
      await discardPlans(plans);
      return false;
    }
    if (!plans.some((p) => p.kind !== 'reject')) {
      // RFC 5547 §8.2: nothing acceptable. A user who declined gets 603 Decline (RFC 3261 §21.6.2);
      // an offer we cannot handle at all gets 488 Not Acceptable Here (§21.4.26).
      incoming.reject(plans.some((p) => p.kind === 'reject' && p.declined) ? 603 : 488, undefined, answerWarnings(this.options, plans));
      return false;
    }
    const answer = buildReceiverAnswer(this.options, session, offer, plans);
    if (answer === undefined) {
      await discardPlans(plans);
      incoming.reject(488);
      return false;
    }
    const dialog = incoming.accept(serializeSessionDescription(answer), 'application/sdp', answerWarnings(this.options, plans));
    session.dialog = dialog;
    this.#sessions.set(dialogKey(dialog.id), session);
    // The idle watch runs from the answer on; the ACK (handleAck) starts the set-up wait.
    session.lifetime.activity();
    this.#startLines(session, offer, plans);
    return true;
  }

  async #answerReinvite(dialog: Dialog, incoming: IncomingInvite): Promise<void> {
    const session = this.#sessions.get(dialogKey(dialog.id));
    const offer = offerOf(incoming.request);
    if (session === undefined || offer === undefined) {
      incoming.reject(488);
      return;
    }
    const classified = classifyReoffer(session.offer, offer);
    if (!classified.ok) {
      incoming.reject(488);
      return;
    }
    // Every m-line that may start a new file counts, on top of what the dialog holds and started.
    const fresh = classified.value.filter((item) => item.status === 'new').map((item) => item.index);
    const replacing = classified.value.filter((item) => item.status !== 'unchanged' && session.lines[item.index] !== undefined).length;
    const candidates = fileCandidates(offer, fresh);
    const refused = this.#context.budget.admit(session, offer, candidates, replacing);
    if (refused !== undefined) {
      this.#refuseOverBudget(incoming, session.peer, refused);
      return;
    }
    try {
      await this.#planAndAnswerReoffer(incoming, session, offer, classified.value);
    } finally {
      this.#context.budget.unreserve(candidates);
    }
  }

  async #planAndAnswerReoffer(incoming: IncomingInvite, session: IncomingSession, offer: SessionDescription, items: readonly ReofferedMedia[]): Promise<void> {
    const plans: LinePlan[] = [];
    const closing: IncomingLine[] = [];
    try {
      await planReoffer(this.#context, session, offer, items, plans, closing);
    } catch (error) {
      // A spec that concludes nothing (or two things) for a re-offered m-line: nothing changes,
      // the lines prepared so far go, and the error answers the re-INVITE 500 (handleReinvite).
      await discardPlans(plans);
      throw error;
    }
    const answer = buildReceiverAnswer(this.options, session, offer, plans);
    if (answer === undefined) {
      await discardPlans(plans.filter((p) => p.kind === 'new'));
      incoming.reject(488);
      return;
    }
    for (const line of closing) {
      const done = closeLine(this.#context, line, 'the m-line was closed by a re-INVITE');
      session.closing.add(done);
      void done.then(() => session.closing.delete(done));
    }
    incoming.accept(serializeSessionDescription(answer), 'application/sdp', answerWarnings(this.options, plans));
    session.offer = offer;
    this.#startLines(session, offer, plans);
  }

  #startLines(session: IncomingSession, offer: SessionDescription, plans: readonly LinePlan[]): void {
    for (const [index, plan] of plans.entries()) {
      if (plan.kind === 'reject') { session.lines[index] = undefined; continue; }
      if (plan.kind === 'keep') continue;
      const line = plan.line;
      session.lines[index] = line;
      session.started += 1;
      this.#context.budget.hold(line);
      this.#byTransferId.set(line.transferId, line);
      const media = offer.media[index] as SdpMedia;
      const path = parseMsrpPath(getPath(media).join(' '));
      if (!path.ok) { failLine(this.#context, line, path.error.message); continue; }
      line.session.setRemotePath(path.value);
      // RFC 6135 §4: we answered a=setup; when that makes us active we open the connection now.
      if (connectingParty(getSetup(media, offer), line.setup) === 'answerer') {
        line.session.connect().then(
          () => this.#noteBound(session),
          (error: unknown) => {
            if (line.state !== 'waiting') return;
            if (isOutOfDescriptors(error)) this.options.log?.({ kind: 'file', event: 'descriptors-exhausted', name: line.name, message: describeError(error) });
            const text = `cannot connect to the sender's MSRP path: ${error instanceof Error ? error.message : String(error)}`;
            failLine(this.#context, line, text, true, error instanceof CpmError ? error.code : undefined);
            // We are the active side, so we know at once; the sender is told in the BYE's Reason.
            this.#endedByUs(session, { cause: 'msrp-connect-failed', text });
          },
        );
      } else {
        line.session.waitBound().then(() => this.#noteBound(session), noop);
      }
    }
  }

  /** A line's MSRP connection is up; once every waiting line has one, the set-up wait is over. */
  #noteBound(session: IncomingSession): void {
    if (session.lines.every((l) => l === undefined || l.state !== 'waiting' || l.session.connection !== undefined)) session.lifetime.established();
  }
}
