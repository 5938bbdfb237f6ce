// The sending side of OMA CPM file transfer (CR on clause 7.6.1 / 7.6.2). Every procedural choice
// comes from the generated handlers, run through runProcedure() and executed here action by
// action; this file only knows how to carry out each action of runtime/procedure/vocabulary.ts
// (build an offer, send an INVITE / re-INVITE / BYE, send files over MSRP, tell the user).

import { CpmError } from '../errors.ts';
import { type CancelTimer, schedule, systemClock } from '../msrp/clock.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import type { MsrpReport } from '../msrp/outgoing-message.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import type { Decision } from '../procedure/decision.ts';
import type { ProcedureEvent, ProcedureGuard } from '../procedure/vocabulary.ts';
import { getMaxSize, getPath, getSetup } from '../sdp/msrp-attributes.ts';
import { buildReoffer, validateAnswer, type NegotiatedMedia, type ReofferSlot } from '../sdp/offer-answer.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import { cpmIcsi, cpmInviteHeaders } from '../sip/cpm-headers.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import { describeReasons, parseReasons } from '../sip/syntax/reason-header.ts';
import { parseWarningTexts } from '../sip/syntax/warning-header.ts';
import type { SipRequest, SipResponse } from '../sip/syntax/sip-message.ts';
import type { IncomingDialogRequest, PendingInvite, UserAgent } from '../sip/user-agent-types.ts';
import type { Destination } from './destination.ts';
import { buildFileMedia, buildSessionOffer, fileAttributesOf, newFileTransferId, prepareFile, type PreparedFile } from './file-offer.ts';
import type { FileTransferProcedures } from './file-transfer-procedures.ts';
import { buildGroupInviteBody } from './group-invite-body.ts';
import { GroupConferenceSubscription, mergeMemberOutcomes } from './group-conference-subscription.ts';
import type { GroupTransferEvents, MemberOutcome } from './group-member-types.ts';
import { countUnusedMlines, planMlines, type MlineSlot } from './mline-plan.ts';
import { factsOf, runProcedure, type ProcedureStep } from './procedure-runner.ts';
import type { RangeWatch } from './ranged-file-source.ts';
import { ResumeBook } from './resume-book.ts';
import { sendFileOverMsrp } from './send-file-over-msrp.ts';
import type { ExecutedDecision, FileFailure, FileResult, OutgoingTransferEvents, TransferLogger, TransferSummary } from './transfer-types.ts';
import { TypedEmitter } from './typed-emitter.ts';

export interface FileTransferSenderOptions {
  readonly ua: UserAgent;
  readonly endpoint: MsrpEndpoint;
  readonly procedures: FileTransferProcedures;
  /** MSRP chunk size, default 64 KiB. */
  readonly chunkSize?: number;
  /** Chunks in flight per message, default 32. */
  readonly window?: number;
  /** Success-Report: yes on every SEND; step 4 then waits for the REPORTs. */
  readonly successReport?: boolean;
  /** The `wants-mline-reuse` fact; default true. */
  readonly reuseMlines?: boolean;
  /** Answer at the `check-pending-files` decision point (7.6.1 step 4.a MAY); default true. */
  readonly checkPendingFiles?: boolean;
  /** How long to wait for a success REPORT or for the peer to open an MSRP connection. Default 30 s. */
  readonly waitTimeoutMs?: number;
  /**
   * Without Success-Report, how long after a file's last 200 a failure REPORT still fails it
   * (RFC 4975 §7.1.2 lets one come after the 200). Set, it is waited as given; 0 trusts the 200
   * alone. Unset (default), the wait follows the link: REPORT_GRACE_RTTS times the last chunk's
   * round trip, at least REPORT_GRACE_FLOOR_MS and at most REPORT_GRACE_CEILING_MS.
   */
  readonly reportGraceMs?: number;
  /**
   * RFC 5547 file-range resume: a file that failed part-way is offered again from the first byte
   * the peer did not acknowledge when it is sent to the same destination. Default true.
   */
  readonly resume?: boolean;
  /**
   * How the answer's a=max-size is read. 'message' (default, RFC 4975 §8.6): the largest message,
   * so a larger file is failed before sending. 'chunk': as some SBCs apply it, a bound on each
   * chunk only; the file is sent in chunks no larger than it.
   */
  readonly peerMaxSizeScope?: 'message' | 'chunk';
  readonly log?: TransferLogger;
}

export const REPORT_GRACE_RTTS = 4;
export const REPORT_GRACE_FLOOR_MS = 60;
export const REPORT_GRACE_CEILING_MS = 500;

/**
 * RFC 4975 §7.1.2 sets no deadline for a failure REPORT after the 200s, but a receiver that finds
 * the message undeliverable while handling its last chunk writes the REPORT right behind that
 * chunk's 200, on the same ordered connection, so it arrives within about one round trip of the
 * 200. A few round trips cover jitter. The floor covers what the RTT does not show: a peer
 * without TCP_NODELAY holds that small second write (Nagle) until we ACK the 200, and our stack
 * delays that ACK (40 ms on Linux; measured 42 ms against the scripted peer), so 60 ms. The
 * ceiling is the former fixed wait. A receiver that decides long after its 200 is not caught by
 * any bounded wait; Success-Report is the way to be sure.
 */
export function adaptiveReportGrace(lastChunkRttMs: number | undefined): number {
  if (lastChunkRttMs === undefined) return REPORT_GRACE_CEILING_MS;
  return Math.min(REPORT_GRACE_CEILING_MS, Math.max(REPORT_GRACE_FLOOR_MS, Math.ceil(REPORT_GRACE_RTTS * lastChunkRttMs)));
}

/** One m-line of the session as the sender tracks it. */
interface Line {
  readonly index: number;
  transferId: string | null;
  session: MsrpSession | undefined;
  file: PreparedFile | undefined;
  /** Set while someone waits on this line's MSRP connection (success REPORT wait). */
  onClose?: ((error: CpmError) => void) | undefined;
  /** RFC 5547 file-range: the 1-based first byte this m-line offers (undefined: the whole file). */
  rangeStart?: number | undefined;
  /** The first failure REPORT seen on this line's session, whenever it came. */
  lateFailure?: MsrpReport | undefined;
  /** Set while the grace period after the last 200 waits for a failure REPORT. */
  onLateReport?: ((report: MsrpReport) => void) | undefined;
  /** peerMaxSizeScope 'chunk': the answer's a=max-size, capping this line's chunks. */
  chunkCap?: number | undefined;
}

/** Per SIP session: the dialog, our last offer and the m-lines. */
interface SessionState {
  dialog: Dialog | undefined;
  offer: SessionDescription;
  lines: Line[];
  released: boolean;
  /** Group sessions: our subscription to the focus's conference state (RFC 4575). */
  group?: GroupConferenceSubscription;
  /** Every file offered in this session by its a=file-transfer-id, for the members' reports. */
  offeredFiles?: Map<string, PreparedFile>;
  /** The peer ended the session with BYE: its Reason (RFC 3326), for the files that fail by it. */
  peerEnded?: string;
  /** An MSRP connection failed: the release does not wait long for the BYE's response. */
  broken?: boolean;
  /** Warning texts of the answer (RFC 3261 §20.43): why the receiver refused m-lines. */
  warnings?: readonly string[];
}

/**
 * After an MSRP connection failure the BYE is sent but its response waited for this long at most:
 * the failure is already known and told, and over UDP a dead peer would hold us for Timer F (32 s).
 * RFC 3261 §15.1.1: the session ends when the BYE is sent, not when it is answered.
 */
export const BYE_WAIT_AFTER_FAILURE_MS = 1000;

type QueuedItem = string | PreparedFile;

/** What the step-4 decisions asked for, gathered while executing them in order. */
interface Step4Outcome {
  nextBatch: QueuedItem[] | undefined;
  reinvite: boolean;
  reuse: boolean;
  closeUnused: boolean;
  released: boolean;
}

/** `: the receiver says "..."` for the Warning texts that name `name` (else all of them), or ''. */
function warningFor(warnings: readonly string[] | undefined, name: string): string {
  if (warnings === undefined || warnings.length === 0) return '';
  const mine = warnings.filter((w) => w.includes(name));
  return `: the receiver says ${(mine.length > 0 ? mine : warnings).map((w) => JSON.stringify(w)).join(', ')}`;
}

/** A SIP request that threw: Timer B/F expiring is a timeout (RFC 3261 §17.1.1.2: treated as 408). */
function sipErrorFailure(error: unknown, prefix = ''): FileFailure {
  const message = `${prefix}${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof CpmError && error.code === 'ERR_SIP_TRANSACTION_TIMEOUT') return { source: 'timeout', status: 408, message };
  return { source: 'connection', message };
}


/**
 * RFC 4975 §5.4: before RFC 6135, the offerer always opened the connection and answers carried no
 * a=setup. Such an answer to our actpass offer is read as if the answerer had said passive, so the
 * offer/answer check accepts it and we connect.
 */
function legacySetup(offer: SessionDescription, answer: SessionDescription): SessionDescription {
  const copy = structuredClone(answer);
  for (const [index, media] of copy.media.entries()) {
    const offered = offer.media[index];
    if (media.port === 0 || offered === undefined || getSetup(offered, offer) !== 'actpass') continue;
    if (getSetup(media, copy) === undefined) media.attributes.push({ name: 'setup', value: 'passive' });
  }
  return copy;
}

/** Sends files for one application; each send() is an independent OutgoingFileTransfer. */
export class FileTransferSender {
  readonly options: FileTransferSenderOptions;
  /** Restart points of files that failed part-way (RFC 5547 file-range resume). */
  readonly resumeBook = new ResumeBook();
  readonly #active = new Set<OutgoingFileTransfer>();

  constructor(options: FileTransferSenderOptions) {
    this.options = options;
  }

  send(destination: Destination, files: readonly string[]): OutgoingFileTransfer {
    const transfer = new OutgoingFileTransfer(this.options, destination, files, this.resumeBook);
    this.#active.add(transfer);
    void transfer.done.then(() => this.#active.delete(transfer));
    transfer.start();
    return transfer;
  }

  /** Ends every transfer in progress (files fail with source 'local'; dialogs get a BYE). */
  async close(): Promise<void> {
    await Promise.all([...this.#active].map((t) => t.abort()));
  }

  /** A BYE from the peer in one of our dialogs: the transfer on it stops at once with its Reason. */
  handlePeerBye(dialog: Dialog, request: SipRequest): void {
    for (const transfer of this.#active) transfer.handlePeerBye(dialog, request);
  }

  /** A NOTIFY in one of our dialogs (conference state of a group session), else 481. */
  handleDialogRequest(dialog: Dialog, incoming: IncomingDialogRequest): void {
    for (const transfer of this.#active) if (transfer.handleDialogRequest(dialog, incoming)) return;
    // RFC 6665 §4.1.3: a NOTIFY matching no subscription is answered 481.
    incoming.respond(481, 'Subscription Does Not Exist');
  }
}

/** TransferSummary plus, for group sessions, each member's outcome. */
export type GroupTransferSummary = TransferSummary & { readonly members?: readonly MemberOutcome[] };

export class OutgoingFileTransfer extends TypedEmitter<OutgoingTransferEvents & GroupTransferEvents> {
  readonly destination: Destination;
  readonly done: Promise<GroupTransferSummary>;
  /** Group sessions: the members' outcomes, gathered from the focus's notifications. */
  #members: MemberOutcome[] | undefined;
  readonly #options: FileTransferSenderOptions;
  readonly #queue: QueuedItem[][] = [];
  readonly #results: FileResult[] = [];
  readonly #decisions: ExecutedDecision[] = [];
  /** CPM: one Conversation-ID for every session this transfer opens. */
  readonly #conversationId: string;
  #resolve!: (summary: GroupTransferSummary) => void;
  #aborted = false;
  #finished = false;
  #signalAbort!: () => void;
  readonly #abortSignal = new Promise<'aborted'>((resolve) => { this.#signalAbort = () => resolve('aborted'); });
  #current: SessionState | undefined;
  /** The INVITE awaiting its final response, so abort() can CANCEL it (RFC 3261 §9.1). */
  #pendingInvite: PendingInvite | undefined;
  readonly #resumeBook: ResumeBook;

  constructor(options: FileTransferSenderOptions, destination: Destination, files: readonly string[], resumeBook = new ResumeBook()) {
    super();
    this.#options = options;
    this.#resumeBook = resumeBook;
    this.destination = destination;
    this.#conversationId = cpmInviteHeaders().conversationId;
    if (files.length > 0) this.#queue.push([...files]);
    this.done = new Promise((resolve) => { this.#resolve = resolve; });
  }

  /**
   * Queues another batch for the same destination; clause 7.6.1 step 4.a finds it. A batch queued
   * after the transfer ended is not sent (it is logged and dropped).
   */
  queue(files: readonly string[]): void {
    if (files.length === 0) return;
    if (this.#finished) {
      this.#options.log?.({ kind: 'file', event: 'queue-after-end', files: [...files] });
      return;
    }
    this.#queue.push([...files]);
  }

  start(): void {
    void this.#runAll().then(
      () => this.#finish(),
      (error: unknown) => {
        // A bug in this layer must not leave `done` pending: every file not yet settled fails.
        this.#options.log?.({ kind: 'file', event: 'internal-error', message: String(error) });
        const state = this.#current;
        if (state !== undefined) this.#closeLines(state);
        for (const batch of this.#queue.splice(0)) this.#failUnprepared(batch, { source: 'local', message: `internal error: ${String(error)}` });
        this.#finish();
      },
    );
  }

  async abort(): Promise<void> {
    this.#aborted = true;
    this.#signalAbort();
    this.#pendingInvite?.cancel('transfer aborted');
    const state = this.#current;
    for (const line of state?.lines ?? []) line.session?.close();
    await this.done;
  }

  #finish(): void {
    this.#finished = true;
    const summary: GroupTransferSummary = {
      ok: this.#results.length > 0 && this.#results.every((r) => r.ok),
      files: [...this.#results],
      decisions: [...this.#decisions],
      ...(this.#members === undefined ? {} : { members: this.#members }),
    };
    this.emit('end', summary);
    this.#resolve(summary);
  }

  // ------------------------------------------------------------------ procedure plumbing

  #facts(extra: Partial<Record<ProcedureGuard, boolean>>): Record<ProcedureGuard, boolean> {
    const d = this.destination;
    return factsOf({
      'one-recipient': d.kind === 'one-recipient',
      'recipient-list': d.kind === 'recipient-list',
      'predefined-group': d.kind === 'predefined-group',
      'one-to-one-session': d.kind === 'one-recipient',
      'group-session': d.kind !== 'one-recipient',
      'success-report-requested': this.#options.successReport === true,
      'wants-mline-reuse': this.#options.reuseMlines !== false,
      ...extra,
    });
  }

  #runHandlers(event: ProcedureEvent, facts: Record<ProcedureGuard, boolean>): ProcedureStep {
    const step = runProcedure(this.#options.procedures.handlers, event, facts, (point) => {
      // The only MAY the runtime answers today: 7.6.1 step 4.a, configured by the client.
      if (point === 'check-pending-files') return this.#options.checkPendingFiles !== false;
      return false;
    });
    // The client's answers at MAY points are part of the trace too.
    for (const choice of step.choices) this.#options.log?.({ kind: 'rule', event, rule: choice.rule, decisionPoint: choice.point, decided: choice.decided });
    return step;
  }

  /** Records and logs one decision just before it is carried out. */
  #executing(event: ProcedureEvent, decision: Decision): void {
    this.#decisions.push({ rule: decision.rule, action: decision.action, args: [...decision.args] });
    this.#options.log?.({ kind: 'rule', event, rule: decision.rule, modality: decision.modality, action: decision.action, args: [...decision.args] });
  }

  // ------------------------------------------------------------------ file outcomes

  #succeed(file: PreparedFile): void {
    const result: FileResult = { path: file.path, name: file.name, size: file.size, hash: file.hash.digest, ok: true };
    this.#results.push(result);
    this.#options.log?.({ kind: 'file', event: 'complete', name: file.name, size: file.size });
    this.emit('file-complete', result);
  }

  /**
   * Fails a file. When `event` is given (an MSRP error response or a failure REPORT, step 5) the
   * handler for it decides whether the user is told; other causes (connection, timeout, SIP) are
   * reported directly.
   */
  #failFile(file: PreparedFile | { path: string; name: string; size: number; hash: string }, cause: FileFailure, event?: ProcedureEvent): void {
    // A connection that closed because the peer ended the session: its Reason is the cause.
    const peerEnded = this.#current?.peerEnded;
    // When we closed the MSRP session because of that BYE, the BYE's cause is the whole story;
    // a failure we saw ourselves keeps its own text, with the receiver's view added.
    const closedForBye = /^MSRP session \S+ closed$/.test(cause.message) || cause.source === 'timeout';
    const failure: FileFailure = peerEnded === undefined || (cause.source !== 'connection' && cause.source !== 'timeout')
      ? cause
      : closedForBye
        ? { source: 'peer-bye', message: `the receiver ended the session: ${peerEnded}` }
        : { ...cause, message: `${cause.message}; the receiver ended the session: ${peerEnded}` };
    const hash = typeof file.hash === 'string' ? file.hash : file.hash.digest;
    const result: FileResult & { failure: FileFailure } = { path: file.path, name: file.name, size: file.size, hash, ok: false, failure };
    this.#results.push(result);
    this.#options.log?.({ kind: 'file', event: 'failed', name: file.name, ...failure });
    if (event === undefined) {
      this.emit('file-failed', result);
      return;
    }
    const step = this.#runHandlers(event, this.#facts({}));
    for (const decision of step.decisions) {
      this.#executing(event, decision);
      if (decision.action === 'indicate-transfer-failed') this.emit('file-failed', result);
    }
  }

  #failUnprepared(items: readonly QueuedItem[], failure: FileFailure): void {
    for (const item of items) {
      if (typeof item === 'string') this.#failFile({ path: item, name: item.split(/[\\/]/).pop() ?? item, size: 0, hash: '' }, failure);
      else this.#failFile(item, failure);
    }
  }

  // ------------------------------------------------------------------ the procedure

  async #runAll(): Promise<void> {
    // Each pass opens one SIP session. Batches left over when a session is released without a
    // re-INVITE for them (step 4.c) go in a new session.
    while (this.#queue.length > 0 && !this.#aborted) {
      const batch = this.#queue.shift() as QueuedItem[];
      await this.#session(batch);
    }
    if (this.#aborted) for (const batch of this.#queue.splice(0)) this.#failUnprepared(batch, { source: 'local', message: 'transfer aborted' });
  }

  async #prepare(items: readonly QueuedItem[]): Promise<PreparedFile[]> {
    const prepared: PreparedFile[] = [];
    for (const item of items) {
      if (typeof item !== 'string') { prepared.push(item); continue; }
      try {
        prepared.push(await prepareFile(item));
      } catch (error) {
        this.#failUnprepared([item], { source: 'local', message: error instanceof Error ? error.message : String(error) });
      }
    }
    return prepared;
  }

  async #session(batch: readonly QueuedItem[]): Promise<void> {
    const files = await this.#prepare(batch);
    if (files.length === 0) return;

    // Clause 7.6.1 steps 1-3: how the session is set up and what the offer looks like.
    const event: ProcedureEvent = 'send-files-requested';
    const step = this.#runHandlers(event, this.#facts({ 'more-than-one-file': files.length > 1 }));
    let clause: string | undefined;
    let withFileAttributes = false;
    let mlinePerFile = false;
    for (const decision of step.decisions) {
      this.#executing(event, decision);
      switch (decision.action) {
        case 'follow-clause': clause = decision.args[0]; break;
        // RFC 5547 offer/answer is how this layer always builds offers; the decision is recorded.
        case 'apply-rfc5547': break;
        case 'add-file-attributes': withFileAttributes = true; break;
        case 'one-mline-per-file': mlinePerFile = true; break;
        default: this.#options.log?.({ kind: 'rule', event, rule: decision.rule, action: decision.action, note: 'not applicable to this event' });
      }
    }
    // Without one-mline-per-file only the first file is described; the others become the next batch.
    const offered = mlinePerFile ? files : files.slice(0, 1);
    if (offered.length < files.length) this.#queue.unshift(files.slice(offered.length));

    const invite = this.#inviteTarget(clause);
    if (!invite.ok) {
      this.#failUnprepared(offered, { source: 'local', message: invite.message });
      return;
    }

    const state: SessionState = { dialog: undefined, offer: buildSessionOffer(this.#options.endpoint.host, []), lines: [], released: false };
    this.#current = state;
    for (const file of offered) {
      const line: Line = { index: state.lines.length, transferId: newFileTransferId(), session: undefined, file };
      line.rangeStart = this.#resumeStart(file, withFileAttributes);
      line.session = this.#newMsrpSession(line);
      state.lines.push(line);
      state.offer.media.push(this.#fileMedia(file, line, withFileAttributes));
    }

    const sdp = serializeSessionDescription(state.offer);
    const { headers } = cpmInviteHeaders({
      conversationId: this.#conversationId,
      icsi: cpmIcsi.fileTransfer,
    });
    let body: string | Buffer = sdp;
    let contentType = 'application/sdp';
    if (invite.recipients !== undefined) {
      const built = buildGroupInviteBody(sdp, invite.recipients);
      body = built.body;
      contentType = built.contentType;
      // RFC 5366 §4: the factory must understand the list, or refuse the INVITE.
      headers.push({ name: 'Require', value: 'recipient-list-invite' });
    }

    let answerSdp: SessionDescription;
    try {
      const pending = this.#options.ua.invite(invite.target, { body, contentType, headers });
      this.#pendingInvite = pending;
      // An abort does not wait for a peer that never answers: the UA CANCELs (and BYEs a late 2xx).
      const result = await Promise.race([pending, this.#abortSignal]).finally(() => { this.#pendingInvite = undefined; });
      if (result === 'aborted') {
        this.#closeLines(state);
        this.#failUnprepared(offered, { source: 'local', message: 'transfer aborted' });
        return;
      }
      if (result.kind === 'rejected') {
        this.#sipFailure(state, offered, result.response);
        return;
      }
      state.dialog = result.dialog;
      state.warnings = parseWarningTexts(result.response.headers.getAll('Warning'));
      // CPM 7.4.1.x sessions end at a focus: ask it for the members' state (RFC 4575).
      if (clause === '7.4.1.1' || clause === '7.4.1.2') this.#subscribeConference(state, result.dialog);
      const answer = this.#parseAnswer(result.response);
      if (!answer.ok) {
        for (const line of state.lines) if (line.file) this.#failFile(line.file, { source: 'sip-response', status: result.response.status, message: answer.message });
        await this.#release(state);
        return;
      }
      answerSdp = answer.sdp;
    } catch (error) {
      this.#closeLines(state);
      this.#failUnprepared(offered, sipErrorFailure(error));
      return;
    }

    let negotiated = validateAnswer(state.offer, legacySetup(state.offer, answerSdp));
    let active = state.lines.map((l) => l.index);
    for (;;) {
      if (!negotiated.ok) {
        for (const index of active) {
          const file = state.lines[index]?.file;
          if (file) this.#failFile(file, { source: 'sip-response', message: negotiated.error.message });
        }
      } else {
        const broken = await this.#transferBatch(state, active, negotiated.value, answerSdp);
        if (broken) {
          // A dropped MSRP connection: what was not sent fails and the session is released.
          state.broken = true;
          await this.#release(state);
          return;
        }
      }
      if (this.#aborted) { await this.#release(state); return; }

      // Clause 7.6.1 step 4: the batch is through; the handlers say what comes next.
      const outcome = await this.#step4(state);
      if (state.released) return;
      if (!outcome.reinvite || outcome.nextBatch === undefined) {
        // No rule released or continued the session; end it rather than leave it open.
        if (outcome.nextBatch !== undefined) this.#queue.unshift(outcome.nextBatch);
        this.#options.log?.({ kind: 'rule', event: 'last-send-acknowledged', note: 'no rule released or continued the session; closing it' });
        await this.#release(state, true);
        return;
      }
      const next = await this.#reinvite(state, outcome, withFileAttributes);
      if (next === undefined) continue; // the batch failed; step 4 runs again
      ({ negotiated, active, answerSdp } = next);
    }
  }

  #inviteTarget(clause: string | undefined): { ok: true; target: string; recipients?: readonly string[] } | { ok: false; message: string } {
    const d = this.destination;
    switch (clause) {
      // CPM 7.3.1: a 1-1 session INVITE goes to the recipient.
      case '7.3.1':
        return d.kind === 'one-recipient' ? { ok: true, target: d.uri } : { ok: false, message: `clause 7.3.1 needs one recipient, got ${d.kind}` };
      // CPM 7.4.1.1: an ad-hoc group is set up through the conference factory with the list in the body.
      case '7.4.1.1':
        return d.kind === 'recipient-list' ? { ok: true, target: d.factory, recipients: d.uris } : { ok: false, message: `clause 7.4.1.1 needs a recipient list, got ${d.kind}` };
      // CPM 7.4.1.2: a pre-defined group session INVITE goes to the group URI.
      case '7.4.1.2':
        return d.kind === 'predefined-group' ? { ok: true, target: d.uri } : { ok: false, message: `clause 7.4.1.2 needs a group URI, got ${d.kind}` };
      case undefined:
        return { ok: false, message: 'no rule chose a session set-up clause' };
      default:
        return { ok: false, message: `clause ${clause} is not a session set-up procedure this client knows` };
    }
  }

  #newMsrpSession(line: Line): MsrpSession {
    return this.#options.endpoint.createSession({
      delegate: {
        onClose: (error) => line.onClose?.(error),
        // RFC 4975 §7.1.2: a REPORT with a non-200 status fails the message it names, and it may
        // arrive after the last chunk's 200. One message per m-line, so any is this file's.
        onReport: (report) => {
          if (report.status === undefined || report.status.code === 200) return;
          line.lateFailure ??= report;
          line.onLateReport?.(report);
        },
      },
    });
  }

  /**
   * RFC 5547 file-range: where a file that failed part-way to this destination restarts. It needs
   * the file attributes (the hash is what lets the receiver match its partial copy) and one
   * receiver (a group's members each hold a different amount).
   */
  #resumeStart(file: PreparedFile, withFileAttributes: boolean): number | undefined {
    if (this.#options.resume === false || !withFileAttributes || this.destination.kind !== 'one-recipient') return undefined;
    return this.#resumeBook.startOf(this.destination, file);
  }

  #fileMedia(file: PreparedFile, line: Line, withFileAttributes: boolean): SdpMedia {
    if (line.transferId !== null && this.#current !== undefined) (this.#current.offeredFiles ??= new Map()).set(line.transferId, file);
    const session = line.session as MsrpSession;
    const media = buildFileMedia(file, this.#options.procedures, {
      path: [session.localPathText],
      port: this.#options.endpoint.port,
      transferId: line.transferId as string,
      withFileAttributes,
    });
    // RFC 5547 §6 file-range: the offer says which bytes of the file this transfer carries; the
    // attribute text comes from the generated builder.
    if (line.rangeStart !== undefined) {
      const built = this.#options.procedures.fileAttributes.build({ ...fileAttributesOf(file, line.transferId as string), fileRange: { start: line.rangeStart, stop: file.size } });
      media.attributes.push(...built.filter((a) => a.name === 'file-range'));
    }
    return media;
  }

  #parseAnswer(response: SipResponse): { ok: true; sdp: SessionDescription } | { ok: false; message: string } {
    let body = response.body;
    const type = response.headers.get('Content-Type') ?? '';
    if (/^multipart\//i.test(type.trim())) {
      const parts = parseMultipart(body, type);
      const part = parts.ok ? parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
      if (part === undefined) return { ok: false, message: 'the answer has no application/sdp part' };
      body = part.body;
    }
    if (body.length === 0) return { ok: false, message: 'the 2xx carries no SDP answer' };
    const parsed = parseSessionDescription(body.toString('utf8'), 'sdp answer');
    return parsed.ok ? { ok: true, sdp: parsed.value } : { ok: false, message: parsed.error.message };
  }

  #sipFailure(state: SessionState, files: readonly PreparedFile[], response: SipResponse): void {
    this.#closeLines(state);
    // RFC 3261 §17.1.1.2: a locally generated 408 is the transaction timing out.
    const source = response.status === 408 ? 'timeout' : 'sip-response';
    for (const file of files) {
      const rangeStart = state.lines.find((l) => l.file === file)?.rangeStart;
      let message = `${response.status} ${response.reason}${warningFor(parseWarningTexts(response.headers.getAll('Warning')), file.name)}`;
      if (rangeStart !== undefined) {
        // RFC 5547 §8.2: the answerer could only decline our range; the next send is a full one.
        this.#resumeBook.forget(this.destination, file);
        message += `: the receiver declined to resume ${file.name} from byte ${rangeStart}; send it again for a full transfer`;
      }
      this.#failFile(file, { source, status: response.status, message });
    }
  }

  #closeLines(state: SessionState): void {
    for (const line of state.lines) line.session?.close();
  }

  // ------------------------------------------------------------------ MSRP data path

  /**
   * Establishes MSRP for the accepted m-lines of this batch and sends their files in turn, in
   * m-line order. One file at a time keeps the "last SEND of the last file" of step 4 well defined
   * and gives each file the whole pipe. Returns true when an MSRP connection dropped.
   */
  async #transferBatch(state: SessionState, active: readonly number[], negotiated: readonly NegotiatedMedia[], answer: SessionDescription): Promise<boolean> {
    const ready: Array<{ line: Line; file: PreparedFile; setup: Promise<void> }> = [];
    if (this.#aborted) {
      for (const index of active) {
        const file = state.lines[index]?.file;
        if (file) this.#failFile(file, { source: 'local', message: 'transfer aborted' });
      }
      return false;
    }
    for (const index of active) {
      const line = state.lines[index];
      const file = line?.file;
      const media = negotiated[index];
      if (line === undefined || file === undefined || media === undefined) continue;
      // RFC 3264 §6: port 0 in the answer rejects that stream, so that file is not sent.
      if (!media.accepted) {
        line.session?.close();
        line.session = undefined;
        if (line.rangeStart !== undefined) {
          // RFC 5547 §8.2: a push answerer cannot change the offered range, only decline it (it has
          // no partial copy to continue). The restart point is dropped: a new send is a full one.
          this.#resumeBook.forget(this.destination, file);
          this.#failFile(file, { source: 'sip-response', message: `the receiver declined to resume ${file.name} from byte ${line.rangeStart} (m-line ${index}, port 0); send it again for a full transfer` });
          continue;
        }
        this.#failFile(file, { source: 'sip-response', message: `the answer rejected m-line ${index} (port 0)${warningFor(state.warnings, file.name)}` });
        continue;
      }
      // RFC 5547 §8.2: an answerer that takes part in a resume repeats a=file-range; one that does
      // not know the attribute ignores it, and would take our range for the whole file, so the
      // whole file is sent instead.
      if (line.rangeStart !== undefined && !(answer.media[index]?.attributes ?? []).some((a) => a.name === 'file-range')) {
        this.#options.log?.({ kind: 'file', event: 'resume-not-answered', name: file.name, from: line.rangeStart });
        line.rangeStart = undefined;
      }
      // RFC 4975 §8.6: the answer's a=max-size is the largest message the receiver will take, and a
      // sender ought not to send one larger. It bounds the message (here the file, or the resumed
      // range of it), not the chunk, so the file fails now, named, before any MSRP byte is spent.
      const peerMax = getMaxSize(answer.media[index] as SdpMedia);
      const messageBytes = file.size - (line.rangeStart ?? 1) + 1;
      const perChunk = this.#options.peerMaxSizeScope === 'chunk';
      line.chunkCap = perChunk ? peerMax : undefined;
      if (!perChunk && peerMax !== undefined && messageBytes > peerMax) {
        line.session?.close();
        line.session = undefined;
        this.#failFile(file, { source: 'sip-response', message: `${file.name} not sent: ${messageBytes} bytes exceed the receiver's a=max-size of ${peerMax} bytes (m-line ${index})` });
        continue;
      }
      const session = line.session as MsrpSession;
      if (!perChunk) session.setPeerMaxSize(peerMax);
      const path = parseMsrpPath(getPath(answer.media[index] as SdpMedia).join(' '));
      if (!path.ok) {
        this.#failFile(file, { source: 'sip-response', message: path.error.message });
        continue;
      }
      session.setRemotePath(path.value);
      // RFC 6135 §4 / RFC 4975 §5.4: the answerer's a=setup says who connects; an answer without
      // a=setup leaves it to us, the offerer (connectingParty() applies that default).
      const setup = media.connectingParty === 'answerer' ? this.#waitBound(session) : session.connect();
      setup.catch(() => {});
      ready.push({ line, file, setup });
    }
    // Files whose last 200 came without Success-Report stay undecided for the grace period, in
    // which a failure REPORT may still arrive; the next file is sent meanwhile.
    const verdicts: Array<Promise<void>> = [];
    for (const [position, { line, file, setup }] of ready.entries()) {
      if (this.#aborted) {
        this.#failFile(file, { source: 'local', message: 'transfer aborted' });
        continue;
      }
      try {
        await setup;
      } catch (error) {
        const timeout = error instanceof CpmError && error.code === 'ERR_MSRP_TRANSACTION_TIMEOUT';
        this.#failFile(file, { source: timeout ? 'timeout' : 'connection', message: error instanceof Error ? error.message : String(error) });
        for (const rest of ready.slice(position + 1)) this.#failFile(rest.file, { source: 'connection', message: 'session released after an MSRP connection failure' });
        await Promise.all(verdicts);
        return true;
      }
      const sent = await this.#sendFile(line, file);
      if (sent.verdict !== undefined) verdicts.push(sent.verdict);
      if (sent.broken) {
        for (const rest of ready.slice(position + 1)) this.#failFile(rest.file, { source: 'connection', message: 'session released after an MSRP connection failure' });
        await Promise.all(verdicts);
        return true;
      }
    }
    // Step 4 ("last SEND acknowledged") runs only once every file of the batch is decided.
    await Promise.all(verdicts);
    return false;
  }

  #waitBound(session: MsrpSession): Promise<void> {
    const timeoutMs = this.#options.waitTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const cancel = schedule(session.clock, timeoutMs, () => reject(new CpmError('ERR_MSRP_TRANSACTION_TIMEOUT', `the peer did not connect within ${timeoutMs} ms`)));
      session.waitBound().then(
        () => { cancel(); resolve(); },
        (error: unknown) => { cancel(); reject(error); },
      );
    });
  }

  /**
   * Sends one file (from line.rangeStart when resuming) and records its outcome, or returns the
   * verdict still pending on the late-REPORT grace period. `broken`: the MSRP connection is lost.
   */
  async #sendFile(line: Line, file: PreparedFile): Promise<{ broken: boolean; verdict?: Promise<void> }> {
    const start = line.rangeStart ?? 1;
    const watch: RangeWatch = {};
    let acknowledged = 0;
    if (start > 1) this.#options.log?.({ kind: 'file', event: 'resume', name: file.name, from: start, size: file.size });
    const outcome = await sendFileOverMsrp(line.session as MsrpSession, file, {
      start,
      watch,
      chunkSize: Math.max(1, Math.min(this.#options.chunkSize ?? 64 * 1024, line.chunkCap ?? Infinity)),
      ...(this.#options.window !== undefined ? { window: this.#options.window } : {}),
      successReport: this.#options.successReport === true,
      waitTimeoutMs: this.#options.waitTimeoutMs ?? 30_000,
      closeWatch: line,
      aborted: () => this.#aborted,
      onProgress: (sent) => {
        acknowledged = sent;
        this.emit('progress', { file: file.name, sent: start - 1 + sent, total: file.size });
      },
      ...(this.#options.log !== undefined ? { log: this.#options.log } : {}),
    });
    if (outcome.kind === 'delivered') {
      this.#resumeBook.forget(this.destination, file);
      const grace = this.#options.reportGraceMs ?? adaptiveReportGrace(watch.message?.lastChunkRttMs);
      if (this.#options.successReport === true || grace <= 0) {
        this.#succeed(file);
        return { broken: false };
      }
      return { broken: false, verdict: this.#lateVerdict(line, file, grace) };
    }
    if (watch.shortRead !== undefined) {
      // The file shrank while it was read: the message was ended with '#', nothing to resume.
      const [got, expected] = watch.shortRead;
      this.#resumeBook.forget(this.destination, file);
      this.#failFile(file, { source: 'local', message: `${file.path} changed during the send: read ${got} of ${expected} bytes from byte ${start}; the message was aborted` });
      return { broken: outcome.broken };
    }
    // RFC 4975 §7.1: each 200 proves the peer holds that chunk, so a file cut off by the
    // connection, a timeout or a local abort can restart after the acknowledged bytes; a file the
    // peer refused (error response, failure REPORT) restarts from scratch.
    if (outcome.failure.source === 'connection' || outcome.failure.source === 'timeout' || outcome.failure.source === 'local') {
      // The message's own count is exact; the progress ticks may lag behind it.
      const received = Math.max(acknowledged, watch.message?.bytesAcknowledged ?? 0);
      if (this.destination.kind === 'one-recipient') this.#resumeBook.record(this.destination, file, start - 1 + received);
    } else this.#resumeBook.forget(this.destination, file);
    this.#failFile(file, outcome.failure, outcome.event);
    return { broken: outcome.broken };
  }

  /**
   * RFC 4975 §7.1.2: with Success-Report off, a failure REPORT can still follow the last 200. The
   * file counts as delivered only once `graceMs` passed without one (or the connection closed, after
   * which none can come); a failure REPORT in that time raises clause 7.6.1 step 5's
   * failure-report-received event before step 4 runs, as if it had come before the 200.
   */
  #lateVerdict(line: Line, file: PreparedFile, graceMs: number): Promise<void> {
    return new Promise<MsrpReport | undefined>((resolve) => {
      if (line.lateFailure !== undefined) { resolve(line.lateFailure); return; }
      let cancel: CancelTimer | undefined;
      const done = (report: MsrpReport | undefined): void => {
        cancel?.();
        line.onLateReport = undefined;
        line.onClose = undefined;
        resolve(report);
      };
      cancel = schedule(line.session?.clock ?? systemClock, graceMs, () => done(undefined));
      line.onLateReport = done;
      line.onClose = () => done(undefined);
      if (line.session?.connection === undefined) done(undefined);
    }).then((report) => {
      if (report === undefined) { this.#succeed(file); return; }
      const code = report.status?.code ?? 0;
      this.#options.log?.({ kind: 'msrp', direction: 'received', event: 'late-failure-report', messageId: report.messageId, file: file.name, status: code });
      this.#failFile(file, { source: 'failure-report', status: code, message: `failure REPORT ${code} ${report.status?.reason ?? ''} after the last 200`.trim() }, 'failure-report-received');
    });
  }

  // ------------------------------------------------------------------ step 4 and release

  async #step4(state: SessionState): Promise<Step4Outcome> {
    const outcome: Step4Outcome = { nextBatch: undefined, reinvite: false, reuse: false, closeUnused: false, released: false };
    const events: ProcedureEvent[] = ['last-send-acknowledged'];
    // The success REPORTs have already been awaited per file, so both events have happened by now;
    // each handler only acts on the one its rules are guarded for.
    if (this.#options.successReport === true) events.push('success-report-received');
    for (const event of events) {
      if (state.released) break;
      const slots: MlineSlot[] = state.lines.map((l) => ({ index: l.index, fileTransferId: l.transferId }));
      const facts = this.#facts({
        'pending-files-same-destination': this.#queue.length > 0,
        'unused-mlines': countUnusedMlines(slots, this.#queue[0]?.length ?? 0) > 0,
      });
      const step = this.#runHandlers(event, facts);
      for (const decision of step.decisions) {
        this.#executing(event, decision);
        switch (decision.action) {
          case 'check-pending-files':
            outcome.nextBatch ??= this.#queue.shift();
            break;
          case 'send-reinvite': outcome.reinvite = true; break;
          case 'reuse-mline': outcome.reuse = true; break;
          case 'close-unused-mline': outcome.closeUnused = true; break;
          case 'follow-clause':
            if (decision.args[0] === '7.6.2') {
              if (outcome.nextBatch !== undefined) { this.#queue.unshift(outcome.nextBatch); outcome.nextBatch = undefined; }
              await this.#release(state);
              outcome.released = true;
            } else this.#options.log?.({ kind: 'rule', event, rule: decision.rule, action: decision.action, note: `clause ${decision.args[0] ?? ''} is not a release procedure` });
            break;
          default:
            this.#options.log?.({ kind: 'rule', event, rule: decision.rule, action: decision.action, note: 'not applicable to this event' });
        }
      }
    }
    return outcome;
  }

  /** Clause 7.6.2: the `transfer-complete` rules release the session (BYE). */
  async #release(state: SessionState, force = false): Promise<void> {
    if (state.released) return;
    state.released = true;
    const event: ProcedureEvent = 'transfer-complete';
    const step = this.#runHandlers(event, this.#facts({}));
    let bye = false;
    for (const decision of step.decisions) {
      this.#executing(event, decision);
      if (decision.action === 'send-bye') bye = true;
    }
    await this.#finishConference(state);
    if ((bye || force) && state.dialog !== undefined && state.dialog.state !== 'terminated') {
      try {
        const bye = this.#options.ua.bye(state.dialog);
        if (state.broken === true) {
          bye.catch(() => undefined);
          const clock = state.lines.find((l) => l.session !== undefined)?.session?.clock ?? systemClock;
          let cancel: (() => void) | undefined;
          await Promise.race([bye, new Promise<void>((resolve) => { cancel = schedule(clock, BYE_WAIT_AFTER_FAILURE_MS, resolve); })]).finally(() => cancel?.());
        } else await bye;
      } catch (error) {
        this.#options.log?.({ kind: 'sip', event: 'bye-failed', message: error instanceof Error ? error.message : String(error) });
      }
    }
    this.#closeLines(state);
  }

  // ------------------------------------------------------------------ group member reports

  #subscribeConference(state: SessionState, dialog: Dialog): void {
    state.group = new GroupConferenceSubscription({
      ua: this.#options.ua,
      dialog,
      onStatus: (event) => {
        this.#options.log?.({ kind: 'file', event: 'member-status', ...event });
        this.emit('member-status', event);
      },
      ...(this.#options.log === undefined ? {} : { log: this.#options.log }),
    });
    state.group.start();
  }

  /**
   * The receiver released the session (RFC 3326 Reason says why, e.g. it could not connect to our
   * MSRP path): files still open fail with that cause instead of waiting for a connection.
   */
  handlePeerBye(dialog: Dialog, request: SipRequest): void {
    const state = this.#current;
    if (state === undefined || state.dialog !== dialog) return;
    const reason = describeReasons(parseReasons(request.headers.getAll('Reason')));
    const warning = request.headers.get('Warning');
    state.peerEnded = reason ?? (warning !== undefined ? warning : 'no reason given');
    this.#options.log?.({ kind: 'sip', event: 'peer-bye', reason: state.peerEnded });
    this.#closeLines(state);
  }

  /** Whether this transfer owns `dialog`; answers the request if so. */
  handleDialogRequest(dialog: Dialog, incoming: IncomingDialogRequest): boolean {
    const group = this.#current?.group;
    if (group === undefined || group.dialog !== dialog) return false;
    if (incoming.request.method === 'NOTIFY') group.handleNotify(incoming);
    else incoming.respond(405, 'Method Not Allowed', [{ name: 'Allow', value: 'INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY' }]);
    return true;
  }

  /**
   * Before the BYE of a group session: lets the focus report every member's outcome for the files
   * sent (bounded wait), then records them. Information only: the release itself was decided by
   * the 7.6.2 rules.
   */
  async #finishConference(state: SessionState): Promise<void> {
    const group = state.group;
    if (group === undefined) return;
    const files = new Map<string, string>();
    const sent: string[] = [];
    for (const [id, file] of state.offeredFiles ?? []) {
      files.set(id, file.name);
      if (this.#results.some((r) => r.ok && r.path === file.path)) sent.push(id);
    }
    if (!this.#aborted) await group.finish(sent, Math.min(this.#options.waitTimeoutMs ?? 30_000, 5000));
    // NOTIFYs keep arriving while we wait; only now is the subscription forgotten.
    state.group = undefined;
    group.close();
    this.#members = mergeMemberOutcomes(this.#members ?? [], group.members(files));
  }

  /** Step 4.b: re-INVITE carrying the next batch on reused / appended m-lines. */
  async #reinvite(state: SessionState, outcome: Step4Outcome, withFileAttributes: boolean): Promise<{ negotiated: ReturnType<typeof validateAnswer>; active: number[]; answerSdp: SessionDescription } | undefined> {
    const files = await this.#prepare(outcome.nextBatch ?? []);
    if (files.length === 0) return undefined;
    const slots: MlineSlot[] = state.lines.map((l) => ({ index: l.index, fileTransferId: l.transferId }));
    const plan = planMlines(slots, files, { reuse: outcome.reuse, closeUnused: outcome.closeUnused });
    const reofferSlots: ReofferSlot[] = [];
    const added: SdpMedia[] = [];
    const active: number[] = [];
    for (const assignment of plan) {
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
          target.session = this.#newMsrpSession(target);
          target.file = assignment.file;
          target.rangeStart = this.#resumeStart(assignment.file, withFileAttributes);
          const media = this.#fileMedia(assignment.file, target, withFileAttributes);
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
      for (const f of files) this.#failFile(f, { source: 'local', message: reoffer.ok ? 'no dialog' : reoffer.error.message });
      return undefined;
    }
    // RFC 3264 §8: a re-offer that fails leaves the previous description in force.
    const previousOffer = state.offer;
    state.offer = reoffer.value;
    let response: SipResponse;
    try {
      ({ response } = await this.#options.ua.reinvite(dialog, serializeSessionDescription(reoffer.value), 'application/sdp'));
    } catch (error) {
      state.offer = previousOffer;
      for (const f of files) this.#failFile(f, sipErrorFailure(error, 're-INVITE: '));
      for (const index of active) { const l = state.lines[index]; l?.session?.close(); if (l) l.session = undefined; }
      return undefined;
    }
    if (response.status < 200 || response.status >= 300) {
      const source = response.status === 408 ? 'timeout' : 'sip-response';
      state.offer = previousOffer;
      for (const f of files) this.#failFile(f, { source, status: response.status, message: `re-INVITE: ${response.status} ${response.reason}` });
      for (const index of active) { const l = state.lines[index]; l?.session?.close(); if (l) l.session = undefined; }
      return undefined;
    }
    const answer = this.#parseAnswer(response);
    if (!answer.ok) {
      for (const f of files) this.#failFile(f, { source: 'sip-response', status: response.status, message: answer.message });
      return undefined;
    }
    return { negotiated: validateAnswer(state.offer, legacySetup(state.offer, answer.sdp)), active, answerSdp: answer.sdp };
  }
}
