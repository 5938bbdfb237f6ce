// The sending side of OMA CPM file transfer (CR on clause 7.6.1 / 7.6.2). Every procedural choice
// comes from the generated handlers: each phase runs its event's rules into a plan through the one
// executor table (action-executors.ts) and carries it out. The phases, one module each:
// sender-session-setup.ts (steps 1-3), sender-batch-transfer.ts (the files over MSRP),
// sender-after-last-send.ts (step 4 and the re-INVITE), sender-release.ts (7.6.2),
// sender-group-members.ts (a group's member reports). This file queues batches, runs one session
// after another, and turns procedure errors into failed files.

import type { FileHashStore } from '../files/file-hash-store.ts';
import { CpmError } from '../errors.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import { defaultDecision, type DecisionAnswers } from '../procedure/decision-defaults.ts';
import { cpmInviteHeaders } from '../sip/cpm-headers.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import { describeReasons, parseReasons } from '../sip/syntax/reason-header.ts';
import type { SipRequest } from '../sip/syntax/sip-message.ts';
import { parseWarningTexts } from '../sip/syntax/warning-header.ts';
import type { IncomingDialogRequest, UserAgent } from '../sip/user-agent-types.ts';
import { ProhibitedActionError } from './action-executors.ts';
import type { Destination } from './destination.ts';
import type { FileTransferProcedures } from './file-transfer-procedures.ts';
import type { GroupTransferEvents, MemberOutcome } from './group-member-types.ts';
import { ResumeBook } from './resume-book.ts';
import { afterLastSend, type NextBatch } from './sender-after-last-send.ts';
import { transferBatch } from './sender-batch-transfer.ts';
import { handleMemberDialogRequest } from './sender-group-members.ts';
import { cancelSession } from './sender-cancel.ts';
import { releaseSession, sendBye } from './sender-release.ts';
import type { IconLookup } from './prepare-file-icon.ts';
import { SenderRun, type SenderSettings } from './sender-run.ts';
import type { PeerTuning } from './peer-data-path.ts';
import { setUpSession } from './sender-session-setup.ts';
import { closeLines, type QueuedItem } from './sender-session-state.ts';
import { transferDefaults } from './transfer-defaults.ts';
import type { OutgoingTransferEvents, TransferLogger, TransferSummary } from './transfer-types.ts';
import { TypedEmitter } from './typed-emitter.ts';

export { adaptiveReportGrace, REPORT_GRACE_CEILING_MS, REPORT_GRACE_FLOOR_MS, REPORT_GRACE_RTTS } from './transfer-defaults.ts';

export interface FileTransferSenderOptions {
  readonly ua: UserAgent;
  readonly endpoint: MsrpEndpoint;
  readonly procedures: FileTransferProcedures;
  /** MSRP chunk size, default transferDefaults.chunkSize (64 KiB). */
  readonly chunkSize?: number;
  /**
   * Toward a cpm-ft peer without a relay: `auto` (default) sends larger chunks (chunkSize when
   * given, else transferDefaults.tunedChunkSize) with Failure-Report: partial and waits for the
   * success REPORT; `off` keeps the defaults for every peer; `always` tunes toward any peer
   * reached without a relay (for a peer known to honour `partial`).
   */
  readonly peerTuning?: PeerTuning;
  /** Chunks in flight per message, default transferDefaults.window. */
  readonly window?: number;
  /** Success-Report: yes on every SEND; step 4 then waits for the REPORTs. */
  readonly successReport?: boolean;
  /** The `wants-mline-reuse` fact; default true. */
  readonly reuseMlines?: boolean;
  /**
   * The application's answers at the spec's decision points (MAY / SHOULD / SHOULD NOT rules). A
   * point left unanswered takes the rule's default: SHOULD yes, SHOULD NOT no, MAY the
   * vocabulary's default for the point (decisionPoints[point].mayDefault).
   */
  readonly decisions?: DecisionAnswers;
  /** Shorthand for decisions['check-pending-files'] (7.6.1 step 4.a). */
  readonly checkPendingFiles?: boolean;
  /** How long to wait for a success REPORT or for the peer to open an MSRP connection. Default 30 s. */
  readonly waitTimeoutMs?: number;
  /**
   * Without Success-Report, how long after a file's last 200 a failure REPORT still fails it
   * (RFC 4975 §7.1.2 lets one come after the 200). Set, it is waited as given; 0 trusts the 200
   * alone. Unset (default), the wait follows the link: transferDefaults.reportGrace round trips
   * of the last chunk, between its floor and ceiling.
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
  /** RFC 5547 §6: the icon to offer with a file (by its path), if any. */
  readonly iconFor?: IconLookup;
  /**
   * Where SHA-1s outlive the process (file-hash-store.ts): a file sent again by a later process
   * skips the pre-hash pass. Without it only this process remembers the files it hashed.
   */
  readonly hashStore?: FileHashStore;
  readonly log?: TransferLogger;
}

export type { DecisionAnswers } from '../procedure/decision-defaults.ts';

function settingsOf(options: FileTransferSenderOptions): SenderSettings {
  const answers: DecisionAnswers = {
    ...(options.checkPendingFiles === undefined ? {} : { 'check-pending-files': options.checkPendingFiles }),
    ...options.decisions,
  };
  return {
    ua: options.ua,
    endpoint: options.endpoint,
    procedures: options.procedures,
    chunkSize: options.chunkSize ?? transferDefaults.chunkSize,
    tunedChunkSize: options.chunkSize ?? transferDefaults.tunedChunkSize,
    peerTuning: options.peerTuning ?? transferDefaults.peerTuning,
    window: options.window ?? transferDefaults.window,
    successReport: options.successReport ?? transferDefaults.successReport,
    reuseMlines: options.reuseMlines ?? transferDefaults.reuseMlines,
    decide: (point, _rule, modality) => answers[point] ?? defaultDecision(point, modality),
    waitTimeoutMs: options.waitTimeoutMs ?? transferDefaults.waitTimeoutMs,
    reportGraceMs: options.reportGraceMs,
    resume: options.resume ?? transferDefaults.resume,
    peerMaxSizeScope: options.peerMaxSizeScope ?? transferDefaults.peerMaxSizeScope,
    iconFor: options.iconFor,
    hashStore: options.hashStore,
    log: options.log,
  };
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

  /**
   * `iconFor`, when given, chooses the icons of this transfer's files instead of the sender's own
   * lookup: icons are an application's choice per send, never remembered across sends.
   */
  send(destination: Destination, files: readonly string[], iconFor?: IconLookup): OutgoingFileTransfer {
    const options = iconFor === undefined ? this.options : { ...this.options, iconFor };
    const transfer = new OutgoingFileTransfer(options, destination, files, this.resumeBook);
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
  readonly #run: SenderRun;
  #resolve!: (summary: GroupTransferSummary) => void;
  #finished = false;
  #error: TransferSummary['error'];

  constructor(options: FileTransferSenderOptions, destination: Destination, files: readonly string[], resumeBook = new ResumeBook()) {
    super();
    this.destination = destination;
    this.#run = new SenderRun(settingsOf(options), destination, resumeBook, cpmInviteHeaders().conversationId, (event, payload) => this.emit(event, payload));
    if (files.length > 0) this.#run.queue.push([...files]);
    this.done = new Promise((resolve) => { this.#resolve = resolve; });
  }

  /**
   * Queues another batch for the same destination; clause 7.6.1 step 4.a finds it. A batch queued
   * after the transfer ended is not sent (it is logged and dropped).
   */
  queue(files: readonly string[]): void {
    if (files.length === 0) return;
    if (this.#finished) {
      this.#run.log({ kind: 'file', event: 'queue-after-end', files: [...files] });
      return;
    }
    this.#run.queue.push([...files]);
  }

  start(): void {
    void this.#runAll().then(
      () => this.#finish(),
      (error: unknown) => {
        // A bug in this layer must not leave `done` pending: every file not yet settled fails.
        this.#run.log({ kind: 'file', event: 'internal-error', message: String(error) });
        this.#failEverything(`internal error: ${String(error)}`);
        this.#finish();
      },
    );
  }

  /**
   * Cancels the transfer (clause 7.6.1 step 6): the rules of the transfer-cancelled event interrupt
   * the file being sent with a '#' chunk and release the session once that is on the wire. Files
   * not yet through fail with source 'cancelled'; what arrived before stays arrived. Resolves with
   * the summary; calling it again, or after the end, changes nothing.
   */
  cancel(reason = 'cancelled by the user'): Promise<GroupTransferSummary> {
    const run = this.#run;
    if (this.#finished || run.cancelled !== undefined) return this.done;
    run.cancelled = reason;
    run.log({ kind: 'file', event: 'cancel', reason });
    run.abort();
    run.pendingInvite?.cancel('transfer cancelled');
    run.cancelling = cancelSession(run);
    // Its failure surfaces where the session loop awaits it; this copy only must not go unhandled.
    run.cancelling.catch(() => undefined);
    return this.done;
  }

  async abort(): Promise<void> {
    const run = this.#run;
    run.abort();
    run.pendingInvite?.cancel('transfer aborted');
    for (const line of run.current?.lines ?? []) line.session?.close();
    await this.done;
  }

  /**
   * The receiver released the session (RFC 3326 Reason says why, e.g. it could not connect to our
   * MSRP path): files still open fail with that cause instead of waiting for a connection.
   */
  handlePeerBye(dialog: Dialog, request: SipRequest): void {
    const state = this.#run.current;
    if (state === undefined || state.dialog !== dialog) return;
    const reason = describeReasons(parseReasons(request.headers.getAll('Reason')));
    const warning = parseWarningTexts(request.headers.getAll('Warning'))[0];
    state.peerEnded = reason ?? warning ?? 'no reason given';
    this.#run.log({ kind: 'sip', event: 'peer-bye', reason: state.peerEnded });
    // Lines still waiting for their MSRP connection stop now; a line with a connection fails by
    // that connection's own end (the receiver closes it), so its failure names what happened to it.
    for (const line of state.lines) if (line.session !== undefined && line.session.connection === undefined) line.session.close();
  }

  /** Whether this transfer owns `dialog`; answers the request if so. */
  handleDialogRequest(dialog: Dialog, incoming: IncomingDialogRequest): boolean {
    return handleMemberDialogRequest(this.#run, dialog, incoming);
  }

  #finish(): void {
    this.#finished = true;
    const run = this.#run;
    const summary: GroupTransferSummary = {
      ok: this.#error === undefined && run.results.length > 0 && run.results.every((r) => r.ok),
      files: run.orderedResults(),
      decisions: [...run.decisions],
      ...(this.#error === undefined ? {} : { error: this.#error }),
      ...(run.members === undefined ? {} : { members: run.members }),
    };
    this.emit('end', summary);
    this.#resolve(summary);
  }

  async #runAll(): Promise<void> {
    const run = this.#run;
    // Each pass opens one SIP session. Batches left over when a session is released without a
    // re-INVITE for them (step 4.c) go in a new session.
    try {
      while (run.queue.length > 0 && !run.aborted) {
        const batch = run.queue.shift() as QueuedItem[];
        await this.#session(batch);
      }
      // A cancel between sessions (or before the first) still ends by its own procedure.
      if (run.cancelling !== undefined) await run.cancelling;
    } catch (error) {
      if (!(error instanceof CpmError) || !error.code.startsWith('ERR_PROCEDURE')) throw error;
      await this.#procedureError(error);
      return;
    }
    if (run.aborted) for (const batch of run.queue.splice(0)) run.failUnprepared(batch, run.stopFailure());
  }

  async #session(batch: readonly QueuedItem[]): Promise<void> {
    const run = this.#run;
    const session = await setUpSession(run, batch);
    if (session === undefined) return;
    const { state } = session;
    let next: NextBatch | undefined = session.first;
    for (;;) {
      if (next !== undefined && !next.negotiated.ok) {
        for (const index of next.active) {
          const file = state.lines[index]?.file;
          if (file) run.failFile(file, { source: 'sip-response', message: next.negotiated.error.message });
        }
      } else if (next !== undefined && next.negotiated.ok) {
        const broken = await transferBatch(run, state, next.active, next.negotiated.value, next.answerSdp);
        if (broken && run.cancelling === undefined) {
          // A dropped MSRP connection: what was not sent has failed and the session is released.
          state.broken = true;
          await releaseSession(run, state);
          return;
        }
      }
      if (run.cancelling !== undefined) { await run.cancelling; return; }
      if (run.aborted) { await releaseSession(run, state); return; }
      // Clause 7.6.1 step 4: the batch is through (or its re-INVITE failed); the rules say what comes next.
      const outcome = await afterLastSend(run, state);
      if (outcome.kind === 'released') return;
      next = outcome.kind === 'next-batch' ? outcome.next : undefined;
    }
  }

  /**
   * The spec left a situation uncovered, or a rule asked for something it cannot mean there, or a
   * SHALL NOT rule stopped an action: the transfer cannot go on as the spec says. Every unsettled
   * file fails naming the error, and the session is torn down (no BYE if the BYE is what was
   * forbidden).
   */
  async #procedureError(error: CpmError): Promise<void> {
    const run = this.#run;
    const rule = error instanceof ProhibitedActionError ? { rule: error.rule.rule } : {};
    this.#error = { code: error.code, message: error.message, ...rule };
    run.log({ kind: 'rule', event: 'procedure-error', code: error.code, message: error.message, ...rule, ...(error instanceof ProhibitedActionError ? { action: error.rule.action } : {}) });
    this.#failEverything(`${error.code}: ${error.message}`);
    const state = run.current;
    if (state === undefined || state.released) return;
    state.released = true;
    const byeForbidden = error instanceof ProhibitedActionError && error.rule.action === 'send-bye';
    if (!byeForbidden) await sendBye(run, state);
    closeLines(state);
  }

  #failEverything(message: string): void {
    const run = this.#run;
    const state = run.current;
    if (state !== undefined) closeLines(state);
    for (const file of [...run.unsettled]) run.failFile(file, { source: 'local', message });
    for (const batch of run.queue.splice(0)) run.failUnprepared(batch, { source: 'local', message });
  }
}
