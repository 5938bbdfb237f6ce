// The state one outgoing transfer shares between the phases of the sending procedure (set-up,
// data, after the last SEND, release, group members), and the two things every phase does: run
// the generated rules of an event into a plan (action-executors.ts), and settle a file's outcome.

import type { FileHashStore } from '../files/file-hash-store.ts';
import { CpmError } from '../errors.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { FileTransferProcedures } from './file-transfer-procedures.ts';
import type { ProcedureEvent, ProcedureGuard } from '../procedure/vocabulary.ts';
import { withDerivedFacts } from '../procedure/fact-implications.ts';
import type { PendingInvite, UserAgent } from '../sip/user-agent-types.ts';
import { executeDecisions, emptyPlan, phaseOfEvent, refuseIfProhibited, type Phase, type Plans } from './action-executors.ts';
import type { Destination } from './destination.ts';
import type { PreparedFile } from './file-offer.ts';
import { prepareFileWithIcon, type IconLookup } from './prepare-file-icon.ts';
import type { GroupTransferEvents, MemberOutcome } from './group-member-types.ts';
import { factsOf, runProcedure, type DecisionPolicy } from './procedure-runner.ts';
import type { PeerTuning } from './peer-data-path.ts';
import type { ResumeBook } from './resume-book.ts';
import type { QueuedItem, SessionState } from './sender-session-state.ts';
import { withFailureCode, type ExecutedDecision, type FileFailure, type FileFailureCause, type FileResult, type OutgoingTransferEvents, type TransferLogEvent, type TransferLogger } from './transfer-types.ts';

/** Bytes of small files' contents (read-file-metadata.ts) one batch keeps from its hash pass to its send. */
const HELD_CONTENTS_PER_BATCH = 1024 * 1024;

/** The sender's options with every default of transfer-defaults.ts applied. */
export interface SenderSettings {
  readonly ua: UserAgent;
  readonly endpoint: MsrpEndpoint;
  readonly procedures: FileTransferProcedures;
  readonly chunkSize: number;
  /** Toward a tuned peer (peer-data-path.ts). */
  readonly tunedChunkSize: number;
  readonly peerTuning: PeerTuning;
  readonly window: number;
  readonly successReport: boolean;
  readonly reuseMlines: boolean;
  readonly decide: DecisionPolicy;
  readonly waitTimeoutMs: number;
  /** Undefined: adaptive (transfer-defaults.ts adaptiveReportGrace). */
  readonly reportGraceMs: number | undefined;
  readonly resume: boolean;
  readonly peerMaxSizeScope: 'message' | 'chunk';
  /** RFC 5547 §6 file-icon per path (prepare-file-icon.ts). */
  readonly iconFor: IconLookup | undefined;
  /** SHA-1s of earlier processes, so a resend skips the pre-hash (file-hash-store.ts). */
  readonly hashStore: FileHashStore | undefined;
  readonly log: TransferLogger | undefined;
}

type Events = OutgoingTransferEvents & GroupTransferEvents;
export type Emit = <K extends keyof Events>(event: K, payload: Events[K]) => void;

type FailedFile = PreparedFile | { path: string; name: string; size: number; hash: string };

export class SenderRun {
  readonly settings: SenderSettings;
  readonly destination: Destination;
  readonly resumeBook: ResumeBook;
  readonly emit: Emit;
  readonly queue: QueuedItem[][] = [];
  readonly results: FileResult[] = [];
  /**
   * Each file's place in the order the user gave the files (batch by batch), so the summary lists
   * them in that order: files of one session settle in whatever order their last 200 and the
   * late-REPORT grace end, which is not an order a user can rely on.
   */
  readonly #position = new WeakMap<object, number>();
  readonly #resultPosition = new Map<FileResult, number>();
  #nextPosition = 0;
  readonly decisions: ExecutedDecision[] = [];
  /** CPM: one Conversation-ID for every session this transfer opens. */
  readonly conversationId: string;
  /** Group sessions: the members' outcomes, gathered from the focus's notifications. */
  members: MemberOutcome[] | undefined;
  aborted = false;
  /** Set by OutgoingFileTransfer.cancel: why the user cancelled. */
  cancelled: string | undefined;
  /** The cancel procedure (sender-cancel.ts) while it runs: the session's end waits for it. */
  cancelling: Promise<void> | undefined;
  readonly abortSignal: Promise<'aborted'>;
  #signalAbort!: () => void;
  current: SessionState | undefined;
  /** The INVITE awaiting its final response, so abort() can CANCEL it (RFC 3261 §9.1). */
  pendingInvite: PendingInvite | undefined;
  readonly #settled = new WeakSet<object>();
  /** Files read and not yet settled, so a procedure error can fail exactly those. */
  readonly unsettled = new Set<PreparedFile>();

  constructor(settings: SenderSettings, destination: Destination, resumeBook: ResumeBook, conversationId: string, emit: Emit) {
    this.settings = settings;
    this.destination = destination;
    this.resumeBook = resumeBook;
    this.conversationId = conversationId;
    this.emit = emit;
    this.abortSignal = new Promise<'aborted'>((resolve) => { this.#signalAbort = () => resolve('aborted'); });
  }

  abort(): void {
    this.aborted = true;
    this.#signalAbort();
  }

  /** What a file fails with when the transfer stops under it (cancelled by the user, or aborted). */
  stopFailure(): FileFailureCause {
    return this.cancelled === undefined ? { source: 'local', message: 'transfer aborted' } : { source: 'cancelled', message: `transfer cancelled: ${this.cancelled}` };
  }

  log(event: TransferLogEvent): void {
    this.settings.log?.(event);
  }

  // ------------------------------------------------------------------ rules

  facts(extra: Partial<Record<ProcedureGuard, boolean>>): Record<ProcedureGuard, boolean> {
    const d = this.destination;
    return factsOf({
      ...withDerivedFacts({
        'one-recipient': d.kind === 'one-recipient',
        'recipient-list': d.kind === 'recipient-list',
        'predefined-group': d.kind === 'predefined-group',
      }),
      // The application's option, or a rule of this session's set-up (request-success-reports).
      'success-report-requested': this.settings.successReport || this.current?.successReports === true,
      'wants-mline-reuse': this.settings.reuseMlines,
      ...extra,
    });
  }

  /**
   * Runs the rules of each event in turn and executes their decisions into one plan of `phase`.
   * Every choice at a decision point and every decision is logged and kept for the summary.
   */
  plan<P extends Phase>(phase: P, events: readonly ProcedureEvent[], facts: () => Record<ProcedureGuard, boolean>): Plans[P] {
    const plan = emptyPlan(phase);
    // A few rule events run per session: without a log their records would be built for nothing.
    const log = this.settings.log;
    for (const event of events) {
      if (phaseOfEvent[event] !== phase) continue;
      const holding = facts();
      // Which event ran with which facts: the conformance tests check that the situation they built is the one the rules saw.
      log?.({ kind: 'rule', event, facts: Object.entries(holding).filter(([, held]) => held).map(([name]) => name) });
      const step = runProcedure(this.settings.procedures.handlers, event, holding, this.settings.decide);
      if (log !== undefined) for (const choice of step.choices) log({ kind: 'rule', event, rule: choice.rule, modality: choice.modality, decisionPoint: choice.point, decided: choice.decided });
      for (const decision of step.decisions) {
        this.decisions.push({ rule: decision.rule, action: decision.action, args: [...decision.args], ...(decision.modality === 'SHALL NOT' ? { prohibited: true } : {}) });
        log?.({ kind: 'rule', event, rule: decision.rule, modality: decision.modality, action: decision.action, args: [...decision.args] });
      }
      executeDecisions(phase, plan, event, step.decisions);
    }
    return plan;
  }

  // ------------------------------------------------------------------ file outcomes

  isSettled(file: object): boolean {
    return this.#settled.has(file);
  }

  #settle(file: FailedFile): void {
    this.#settled.add(file);
    if ('modified' in file) this.unsettled.delete(file);
  }

  succeed(file: PreparedFile): void {
    this.#settle(file);
    const result: FileResult = { path: file.path, name: file.name, size: file.size, hash: file.hash.digest, ok: true };
    this.#record(file, result);
    this.log({ kind: 'file', event: 'complete', name: file.name, path: file.path, size: file.size, hash: result.hash });
    this.emit('file-complete', result);
  }

  /**
   * Fails a file. When `event` is given (an MSRP error response or a failure REPORT, step 5) the
   * rules for it decide whether the user is told; other causes (connection, timeout, SIP) are
   * reported directly.
   */
  failFile(file: FailedFile, stated: FileFailureCause, event?: ProcedureEvent): void {
    const cause = withFailureCode(stated);
    const failure = withPeerEndedView(cause, this.current?.peerEnded);
    this.#settle(file);
    // RFC 4975 §10: 400 is what our receiver answers a file whose hash differs from the offer. A
    // stored hash that was wrong (the cache entry damaged or forged) must not fail every resend.
    if (cause.source === 'msrp-response' && cause.status === 400) void this.settings.hashStore?.forgetPath(file.path);
    const hash = typeof file.hash === 'string' ? file.hash : file.hash.digest;
    const result: FileResult & { failure: FileFailure } = { path: file.path, name: file.name, size: file.size, hash, ok: false, failure };
    this.#record(file, result);
    this.log({ kind: 'file', event: 'failed', name: file.name, ...failure });
    if (event === undefined) {
      this.emit('file-failed', result);
      return;
    }
    const plan = this.plan('file-failed', [event], () => this.facts({}));
    if (plan.indicate === undefined) return;
    refuseIfProhibited(plan, 'indicate-transfer-failed');
    this.emit('file-failed', result);
  }

  #placeInOrder(file: object): void {
    if (!this.#position.has(file)) this.#position.set(file, this.#nextPosition++);
  }

  #record(file: object, result: FileResult): void {
    this.#placeInOrder(file);
    this.results.push(result);
    this.#resultPosition.set(result, this.#position.get(file) ?? Number.MAX_SAFE_INTEGER);
  }

  /** The results in the order the files were given (a stable sort: a file's retries keep their order). */
  orderedResults(): FileResult[] {
    const at = (result: FileResult): number => this.#resultPosition.get(result) ?? Number.MAX_SAFE_INTEGER;
    return [...this.results].sort((a, b) => at(a) - at(b));
  }

  failUnprepared(items: readonly QueuedItem[], failure: FileFailureCause): void {
    for (const item of items) {
      if (typeof item === 'string') this.failFile({ path: item, name: item.split(/[\\/]/).pop() ?? item, size: 0, hash: '' }, failure);
      else if (!this.isSettled(item)) this.failFile(item, failure);
    }
  }

  /** Reads each queued path (size, hash); a file that cannot be read fails here, named. */
  async prepare(items: readonly QueuedItem[]): Promise<PreparedFile[]> {
    const prepared: PreparedFile[] = [];
    let held = 0;
    for (const item of items) {
      if (typeof item !== 'string') { this.#placeInOrder(item); prepared.push(item); continue; }
      try {
        const file = await prepareFileWithIcon(item, this.settings.iconFor, this.settings.endpoint.host, this.settings.hashStore);
        // A batch of many small files keeps at most HELD_CONTENTS_PER_BATCH of them in memory
        // until their send; the others are read again when sent.
        held += file.contents?.held ?? 0;
        if (held > HELD_CONTENTS_PER_BATCH) file.contents?.drop();
        this.#placeInOrder(file);
        this.unsettled.add(file);
        prepared.push(file);
      } catch (error) {
        // The error's own code (ERR_FILE_ICON, ERR_FILE_READ, ...) is the failure's.
        const code = error instanceof CpmError ? error.code : 'ERR_FILE_READ';
        this.failUnprepared([item], { source: 'local', code, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return prepared;
  }
}

/**
 * A failure of a session the receiver ended (its BYE's Reason in `peerEnded`). A connection that
 * closed because of that BYE takes the BYE as its cause; a failure seen here for a reason of its own
 * keeps its text, with the receiver's view added. Failures that are not about the connection (an
 * MSRP error response, a local read error) are left as they are.
 */
export function withPeerEndedView(cause: FileFailure, peerEnded: string | undefined): FileFailure {
  if (peerEnded === undefined || (cause.source !== 'connection' && cause.source !== 'timeout')) return cause;
  // A 481 after its BYE is the receiver's MSRP session already gone. After a normal release (the
  // receiver stopped receiving), a reset or broken pipe is its process closing the connection under
  // data still in flight; after any other Reason the reset may be the cause the BYE reports, so
  // both are told.
  const released = /^200\b/.test(peerEnded);
  const closedForBye = /^MSRP session \S+ closed$/.test(cause.message) || cause.source === 'timeout' || cause.status === 481
    || (released && cause.source === 'connection' && /\b(?:ECONNRESET|EPIPE)\b/.test(cause.message));
  return closedForBye
    ? { source: 'peer-bye', code: 'ERR_SESSION_ENDED_BY_PEER', message: peerEndedText(peerEnded) }
    : { ...cause, message: `${cause.message}; ${peerEndedText(peerEnded)}` };
}

/**
 * The receiver's BYE in words: a normal release (RFC 3326 cause 200: it stopped receiving) reads
 * "the receiver closed the session"; any other cause is quoted as "the receiver ended the session".
 */
function peerEndedText(reason: string): string {
  const normal = /^200(?: (.*))?$/.exec(reason);
  if (normal !== null) return `the receiver closed the session${normal[1] === undefined ? '' : ` (${normal[1]})`}`;
  return `the receiver ended the session: ${reason}`;
}
