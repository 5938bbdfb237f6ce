// The receiving side of CPM file transfer: answers INVITEs and re-INVITEs whose SDP describes files
// (RFC 5547 §8.2-8.4), runs one MSRP session per accepted m-line and writes each file through
// ReceivingWriter, which publishes it only once complete and verified.

import type { Clock } from '../clock.ts';
import { CpmError } from '../errors.ts';
import { ReceivingWriter } from '../files/receiving-writer.ts';
import { DEFAULT_STALE_PART_AGE_MS, sweepStaleParts, type SweepReport } from '../files/sweep-stale-parts.ts';
import { MessageRefusedError, type MessageSink } from '../msrp/incoming-message.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { getDirection, getPath, getSetup, isMsrpMedia, type SetupRole } from '../sdp/msrp-attributes.ts';
import { answerSetup, buildAnswer, classifyReoffer, connectingParty, type MediaDecision, type ReofferedMedia } from '../sdp/offer-answer.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import { dialogKey, type Dialog } from '../sip/dialog/dialog.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import { parseNameAddr } from '../sip/syntax/name-addr.ts';
import { parseSipUri } from '../sip/syntax/sip-uri.ts';
import { formatWarning } from '../sip/syntax/warning-header.ts';
import type { SipRequest } from '../sip/syntax/sip-message.ts';
import type { IncomingInvite, UserAgent } from '../sip/user-agent-types.ts';
import type { FileAttributesValue, FileTransferProcedures } from './file-transfer-procedures.ts';
import { keepPartial, partialBytes, removePartial, seedFromPartial, type PartialIdentity } from './resumable-partial.ts';
import type { IncomingTransferEvents, OfferedFileInfo, TransferLogger } from './transfer-types.ts';
import { reasonHeaderFor, SessionLifetime, type SessionEnd } from './session-lifetime.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { consultedPoints, mlineAnswerOf, planReceiverEvent, reofferAnswerOf, verifiesHash, type MlineAnswer, type TakenMline } from './receiver-answer-plan.ts';

export interface FileTransferReceiverOptions {
  readonly endpoint: MsrpEndpoint;
  readonly procedures: FileTransferProcedures;
  /** Folder received files are published into. */
  readonly dir: string;
  /** Largest file accepted: a=max-size in the answer and MSRP 413 beyond it. */
  readonly maxSize?: number;
  /** Per offered file; default: accept when the offered size is within maxSize. */
  readonly accept?: (offer: OfferedFileInfo) => boolean | Promise<boolean>;
  /**
   * The a=setup we answer an actpass offer with. Default 'active' (RFC 6135 §4's usual answer: we
   * connect). 'passive' makes the sender connect; 'none' omits a=setup like pre-RFC 6135 stacks,
   * which RFC 4975 §5.4 reads as "the offerer connects".
   */
  readonly setup?: 'active' | 'passive' | 'none';
  /**
   * RFC 5547 file-range resume: a file that fails part-way leaves its gap-free prefix in `dir` as a
   * hidden `.cpm-resume-<key>.part` (keyed by the offered hash, name and size), which a later offer
   * of the same file with a=file-range continues. Default false: nothing of a failed file is kept.
   */
  readonly keepPartials?: boolean;
  /**
   * Concurrent incoming sessions from one peer (the From address of record: scheme, user, host),
   * default 16. An INVITE beyond it is answered 486 Busy Here before anything is allocated.
   */
  readonly maxSessionsPerPeer?: number;
  /** Concurrent incoming sessions in total, default 128; beyond it 503 with Retry-After. */
  readonly maxSessions?: number;
  /** Retry-After (seconds) on the 503 of maxSessions; default 10. */
  readonly retryAfterSeconds?: number;
  /** RFC 6714 (CEMA) style: MSRP requests match our sessions by session id only. Default false. */
  readonly matchSessionIdOnly?: boolean;
  /**
   * On start, hidden temporary files (`.cpm-<hex>.part`) in `dir` that no writer of this process
   * owns and that were not modified for this long are removed: the orphans of a receiver that was
   * killed. Default 10 minutes, so receivers sharing the folder never remove each other's files in
   * flight; `false` turns the sweep off. Resume partials are never swept.
   */
  readonly staleTempPartAgeMs?: number | false;
  /**
   * Sends the BYE (with a Reason header, RFC 3326) when we end a session ourselves: its MSRP
   * connection failed, never came up, or the session went idle. Without it such a session is still
   * ended and its slot freed here, but the peer is not told.
   */
  readonly ua?: Pick<UserAgent, 'bye'>;
  /** Clock of the session timers (set-up and idle); default the system clock. */
  readonly clock?: Clock;
  /** The MSRP connection must be established this long after the ACK (DEFAULT_MSRP_SETUP_TIMEOUT_MS, 30 s). */
  readonly msrpSetupTimeoutMs?: number;
  /** A session without MSRP traffic this long is ended (DEFAULT_SESSION_IDLE_TIMEOUT_MS, 60 s). */
  readonly idleTimeoutMs?: number;
  readonly log?: TransferLogger;
}

export const DEFAULT_MAX_SESSIONS_PER_PEER = 16;
export const DEFAULT_MAX_SESSIONS = 128;

/**
 * Who an INVITE counts against for maxSessionsPerPeer: the address of record in From, lower-cased
 * host, without port or parameters. Behind a proxy or SBC every INVITE has the same source
 * address, so the From identity is what tells senders apart; it is only as trustworthy as the
 * network that asserted it, which is why maxSessions bounds the total as well.
 */
export function sessionPeerKey(request: SipRequest): string {
  const from = request.headers.get('From') ?? '';
  const addr = parseNameAddr(from);
  const text = addr.ok ? addr.value.uri : from.trim();
  const uri = parseSipUri(text);
  if (!uri.ok) return text.toLowerCase();
  return `${uri.value.scheme}:${uri.value.user === undefined ? '' : `${uri.value.user}@`}${uri.value.host.toLowerCase()}`;
}

type LineState = 'waiting' | 'receiving' | 'finalizing' | 'done' | 'failed';

/** One accepted file m-line. */
interface IncomingLine {
  readonly index: number;
  readonly transferId: string;
  readonly name: string;
  readonly size: number | undefined;
  readonly attributes: FileAttributesValue;
  readonly writer: ReceivingWriter;
  readonly session: MsrpSession;
  /** The a=setup we answered, kept for re-offers that leave the line unchanged. */
  readonly setup: SetupRole | undefined;
  /** What the RFC 5547 answer rules decided for this m-line (which attributes the answer repeats). */
  readonly answer: TakenMline;
  state: LineState;
  /** Settles once the file is published or its finalize failed. */
  finalization: Promise<void> | undefined;
  /** Settles once an unfinished file's temporary data is gone. */
  discarded: Promise<void> | undefined;
  /** Hash, name and size from the offer, when all three are known (the partial file's key). */
  readonly identity: PartialIdentity | undefined;
  /** RFC 5547 file-range: the first file byte the message carries (1: the whole file). */
  readonly rangeStart: number;
  /** The last write handed to the writer; writes complete in order, so all before it are done too. */
  lastWrite: Promise<void>;
}

interface IncomingSession {
  readonly from: string;
  readonly fromName: string | undefined;
  /** The INVITE dialog, once answered 2xx. */
  dialog: Dialog | undefined;
  /** Set-up and idle timers; ends the session on its own (session-lifetime.ts). */
  readonly lifetime: SessionLifetime;
  /** The sessionPeerKey() this session counts against. */
  readonly peer: string;
  /** The peer's last offer, to classify m-lines of a re-offer (RFC 3264 §8). */
  offer: SessionDescription;
  lines: Array<IncomingLine | undefined>;
  sessionVersion: bigint;
  readonly sessionId: string;
  received: number;
  /** Lines closed by a re-INVITE whose clean-up may still be running. */
  readonly closing: Set<Promise<void>>;
}

/** What one m-line of an offer became while building the answer. */
type LinePlan =
  /** `warning`: why, for the sender (a Warning header on the final response). */
  | { kind: 'reject'; declined: boolean; warning?: string }
  | { kind: 'keep'; line: IncomingLine }
  | { kind: 'new'; line: IncomingLine };

const noop = (): void => {};

/** An error's message followed by its cause's (ENOSPC, EACCES ... are only in the cause). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || error.message.includes(cause) ? error.message : `${error.message}: ${cause}`;
}

/** ` (ENOSPC)` for a system error somewhere in the cause chain, else nothing. */
function errnoOf(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return ` (${code})`;
  }
  return '';
}

/**
 * What the sender is told when a complete file cannot be published. RFC 4975 §10: a file whose
 * size or hash differs from the offer is data other than announced, 400; a disk error means we
 * cannot take the message, 413. The comment names the cause without our paths.
 */
function finalizeRefusal(error: unknown): MessageRefusedError {
  const code = error instanceof CpmError ? error.code : undefined;
  if (code === 'ERR_FILE_HASH_MISMATCH') return new MessageRefusedError(400, 'the received file does not match the offered hash', { cause: error });
  if (code === 'ERR_FILE_SIZE_MISMATCH' || code === 'ERR_FILE_RANGE') return new MessageRefusedError(400, 'the received file does not match the offered size', { cause: error });
  return new MessageRefusedError(413, `cannot store the file${errnoOf(error)}`, { cause: error });
}

export class FileTransferReceiver extends TypedEmitter<IncomingTransferEvents> {
  readonly options: FileTransferReceiverOptions;
  readonly #sessions = new Map<string, IncomingSession>();
  readonly #byTransferId = new Map<string, IncomingLine>();
  /** Sessions held (answering or established) per peer key, for maxSessionsPerPeer / maxSessions. */
  readonly #held = new Map<string, number>();
  #heldTotal = 0;
  /** Settles when the start-up sweep of stale temporary files is over (undefined: it was off or failed). */
  readonly swept: Promise<SweepReport | undefined>;

  constructor(options: FileTransferReceiverOptions) {
    super();
    this.options = options;
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
    if (!this.#admit(incoming, peer)) return;
    void this.#answerInvite(incoming, peer).then(
      (kept) => { if (!kept) this.#leave(peer); },
      (error: unknown) => {
        this.#leave(peer);
        this.#logAnswerError(error);
        if (!incoming.answered) incoming.reject(500);
      },
    );
  }

  /** Counts the INVITE against its peer and the total, or refuses it with nothing allocated. */
  #admit(incoming: IncomingInvite, peer: string): boolean {
    const perPeer = this.options.maxSessionsPerPeer ?? DEFAULT_MAX_SESSIONS_PER_PEER;
    const total = this.options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    const held = this.#held.get(peer) ?? 0;
    // RFC 3261 §21.4.24: 486 says this end system will not take more calls from the caller now;
    // the per-peer cap is that callee-side condition, so another peer is still served.
    if (held >= perPeer) {
      this.options.log?.({ kind: 'file', event: 'session-refused', peer, status: 486, held, limit: perPeer });
      incoming.reject(486, 'Busy Here');
      return false;
    }
    // RFC 3261 §21.5.4 / §20.33: 503 is the server being overloaded as a whole; Retry-After tells
    // the caller when to try again instead of retrying at once.
    if (this.#heldTotal >= total) {
      const retryAfter = this.options.retryAfterSeconds ?? 10;
      this.options.log?.({ kind: 'file', event: 'session-refused', peer, status: 503, held: this.#heldTotal, limit: total });
      incoming.reject(503, 'Service Unavailable', [{ name: 'Retry-After', value: String(retryAfter) }]);
      return false;
    }
    this.#held.set(peer, held + 1);
    this.#heldTotal += 1;
    return true;
  }

  #leave(peer: string): void {
    const held = this.#held.get(peer) ?? 0;
    if (held <= 1) this.#held.delete(peer);
    else this.#held.set(peer, held - 1);
    this.#heldTotal = Math.max(0, this.#heldTotal - 1);
  }

  /** Incoming sessions currently held (answering or established), in total and per peer key. */
  get heldSessions(): { readonly total: number; readonly perPeer: ReadonlyMap<string, number> } {
    return { total: this.#heldTotal, perPeer: new Map(this.#held) };
  }

  /** A re-INVITE in one of our dialogs. */
  handleReinvite(dialog: Dialog, incoming: IncomingInvite): void {
    void this.#answerReinvite(dialog, incoming).catch((error: unknown) => {
      this.#logAnswerError(error);
      if (!incoming.answered) incoming.reject(500);
    });
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
    void this.#endSession(session).then(() => {
      // The session's slot is free once its files are published or discarded.
      this.#leave(session.peer);
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
    void this.#endSession(session, end.text).then(() => {
      this.#leave(session.peer);
      this.emit('session-end', { from: session.from, files: session.received, reason: end.text });
    });
  }

  /** Open sessions (answered, not yet ended), for diagnostics and the soak. */
  get openSessions(): number { return this.#sessions.size; }

  async close(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const s of all) s.lifetime.dispose();
    await Promise.all(all.map(async (s) => { await this.#endSession(s); this.#leave(s.peer); }));
  }

  // ------------------------------------------------------------------ offers and answers

  #offerOf(request: SipRequest): SessionDescription | undefined {
    let body = request.body;
    const type = request.headers.get('Content-Type') ?? '';
    // RFC 5366 / RFC 5547 §8 (file-icon): the SDP may be one part of a multipart/mixed body.
    if (/^multipart\//i.test(type.trim())) {
      const parts = parseMultipart(body, type);
      const part = parts.ok ? parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
      if (part === undefined) return undefined;
      body = part.body;
    }
    const parsed = parseSessionDescription(body.toString('utf8'), 'sdp offer');
    return parsed.ok ? parsed.value : undefined;
  }

  /** One Warning header per refused m-line that has a reason to give. */
  #warnings(plans: readonly LinePlan[]): Array<{ name: string; value: string }> {
    const host = this.options.endpoint.host;
    const agent = host.includes(':') ? `[${host}]` : host;
    return plans.flatMap((p) => (p.kind === 'reject' && p.warning !== undefined ? [{ name: 'Warning', value: formatWarning(agent, p.warning) }] : []));
  }

  /** Answers a new INVITE; true when it became a session we hold (its slot stays taken). */
  async #answerInvite(incoming: IncomingInvite, peer: string): Promise<boolean> {
    const offer = this.#offerOf(incoming.request);
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
      closing: new Set(),
    };
    holder.session = session;
    const plans = await this.#planAll(session, offer.media);
    if (incoming.cancelled) {
      await this.#discardPlans(plans);
      return false;
    }
    if (!plans.some((p) => p.kind !== 'reject')) {
      // RFC 5547 §8.2: nothing acceptable. A user who declined gets 603 Decline (RFC 3261 §21.6.2);
      // an offer we cannot handle at all gets 488 Not Acceptable Here (§21.4.26).
      incoming.reject(plans.some((p) => p.kind === 'reject' && p.declined) ? 603 : 488, undefined, this.#warnings(plans));
      return false;
    }
    const answer = this.#buildAnswer(session, offer, plans);
    if (answer === undefined) {
      await this.#discardPlans(plans);
      incoming.reject(488);
      return false;
    }
    const dialog = incoming.accept(serializeSessionDescription(answer), 'application/sdp', this.#warnings(plans));
    session.dialog = dialog;
    this.#sessions.set(dialogKey(dialog.id), session);
    // The idle watch runs from the answer on; the ACK (handleAck) starts the set-up wait.
    session.lifetime.activity();
    this.#startLines(session, offer, plans);
    return true;
  }

  async #answerReinvite(dialog: Dialog, incoming: IncomingInvite): Promise<void> {
    const session = this.#sessions.get(dialogKey(dialog.id));
    const offer = this.#offerOf(incoming.request);
    if (session === undefined || offer === undefined) {
      incoming.reject(488);
      return;
    }
    const classified = classifyReoffer(session.offer, offer);
    if (!classified.ok) {
      incoming.reject(488);
      return;
    }
    const plans: LinePlan[] = [];
    const closing: IncomingLine[] = [];
    try {
      await this.#planReoffer(session, offer, classified.value, plans, closing);
    } catch (error) {
      // A spec that concludes nothing (or two things) for a re-offered m-line: nothing changes,
      // the lines prepared so far go, and the error answers the re-INVITE 500 (handleReinvite).
      await this.#discardPlans(plans);
      throw error;
    }
    const answer = this.#buildAnswer(session, offer, plans);
    if (answer === undefined) {
      await this.#discardPlans(plans.filter((p) => p.kind === 'new'));
      incoming.reject(488);
      return;
    }
    for (const line of closing) {
      const done = this.#closeLine(line, 'the m-line was closed by a re-INVITE');
      session.closing.add(done);
      void done.then(() => session.closing.delete(done));
    }
    incoming.accept(serializeSessionDescription(answer), 'application/sdp', this.#warnings(plans));
    session.offer = offer;
    this.#startLines(session, offer, plans);
  }

  /** Plans each m-line of a re-offer into `plans`; the transfers it ends go to `closing`. */
  async #planReoffer(session: IncomingSession, offer: SessionDescription, items: readonly ReofferedMedia[], plans: LinePlan[], closing: IncomingLine[]): Promise<void> {
    for (const item of items) {
      const previous = session.lines[item.index];
      const media = offer.media[item.index] as SdpMedia;
      if (previous === undefined) {
        // No transfer on this m-line (refused or closed before, or appended): a live m-line with
        // a transfer id other than before is a file offer like any other; the rest stays closed.
        plans.push(item.status === 'new' ? await this.#planNewLine(session, media, item.index) : { kind: 'reject', declined: false });
        continue;
      }
      // RFC 5547 §8.1 (rules RFC5547-8.1-*): the generated rules say whether the re-offer keeps,
      // closes, or replaces the transfer the m-line carries.
      const plan = planReceiverEvent(this.options.procedures.handlers, 'mline-reoffered', {
        'port-zero': item.status === 'closed',
        'transfer-id-changed': item.status === 'new',
      });
      const decided = reofferAnswerOf(plan);
      this.options.log?.({ kind: 'file', event: 'reoffer', index: item.index, name: previous.name, outcome: decided.kind, rule: decided.rule });
      if (decided.kind === 'keep') {
        plans.push({ kind: 'keep', line: previous });
        continue;
      }
      closing.push(previous);
      plans.push(decided.kind === 'new' ? await this.#planNewLine(session, media, item.index) : { kind: 'reject', declined: false });
    }
  }

  /**
   * Plans every m-line of an offer. When one fails (a spec that concludes nothing, or two things,
   * for an m-line is a typed error), the lines already prepared are discarded before the error goes
   * on, so no temporary file or MSRP session outlives the refused INVITE.
   */
  async #planAll(session: IncomingSession, media: readonly SdpMedia[]): Promise<LinePlan[]> {
    const settled = await Promise.allSettled(media.map((m, index) => this.#planNewLine(session, m, index)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) return settled.map((r) => (r as PromiseFulfilledResult<LinePlan>).value);
    await this.#discardPlans(settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
    throw failed.reason;
  }

  /** Reads one offered m-line and, if it describes a file we take, prepares its writer and session. */
  async #planNewLine(session: IncomingSession, media: SdpMedia, index: number): Promise<LinePlan> {
    if (media.port === 0 || !isMsrpMedia(media)) return { kind: 'reject', declined: false };
    const attrs = this.options.procedures.fileAttributes.parse(media.attributes);
    if (!attrs.ok) {
      this.options.log?.({ kind: 'file', event: 'bad-offer', index, message: attrs.error.message });
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
    const max = this.options.maxSize;
    const withinMax = max === undefined || info.size === undefined || info.size <= max;
    const pushed = getDirection(media) === 'sendonly';
    const answer = await this.#answerRules(info, pushed, withinMax);
    const accepted = answer.kind === 'receive';
    // The application hears of pushed files only (a recvonly or sendrecv m-line offers it nothing to take).
    if (pushed) this.emit('offer', { ...info, accepted });
    this.options.log?.({ kind: 'file', event: 'offer', name: info.name, size: info.size, transferId: info.transferId, accepted, rule: answer.rule });
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
    const rangeStart = await this.#resumableStart(attrs.value, identity, index);
    if (rangeStart === undefined) return { kind: 'reject', declined: false };
    let writer: ReceivingWriter;
    try {
      writer = await ReceivingWriter.create({ folder: this.options.dir, offeredName: info.name, ...(info.size !== undefined ? { expectedSize: info.size } : {}) });
    } catch (error) {
      // An accepted offer we cannot store: the application hears it failed (not just offered) and
      // the sender is told why, in a Warning (RFC 3261 §20.43) on the refusal.
      const reason = `cannot store ${info.name} in the receiving folder: ${describeError(error)}`;
      this.options.log?.({ kind: 'file', event: 'writer-failed', name: info.name, message: reason });
      if (pushed) this.emit('file-failed', { transferId: info.transferId, name: info.name, reason });
      return { kind: 'reject', declined: false, warning: reason };
    }
    if (rangeStart > 1 && identity !== undefined) {
      // The kept bytes go through the writer too, so the final hash covers the whole file.
      try {
        await seedFromPartial(this.options.dir, identity, writer, rangeStart - 1);
      } catch (error) {
        const reason = `cannot resume ${info.name} from its kept part: ${describeError(error)}`;
        this.options.log?.({ kind: 'file', event: 'resume-failed', name: info.name, message: reason });
        await writer.abort().catch(noop);
        if (pushed) this.emit('file-failed', { transferId: info.transferId, name: info.name, reason });
        return { kind: 'reject', declined: false, warning: reason };
      }
      this.options.log?.({ kind: 'file', event: 'resume', name: info.name, from: rangeStart, size: identity.size });
    }
    const holder: { line?: IncomingLine } = {};
    const msrp = this.options.endpoint.createSession({
      ...(max !== undefined ? { maxMessageSize: max } : {}),
      ...(this.options.matchSessionIdOnly === true ? { matchSessionIdOnly: true } : {}),
      delegate: {
        onMessageStart: (message) => {
          const line = holder.line;
          // One file per m-line (RFC 5547 §8): a second message on the session is refused.
          // RFC 4975 §10: 481, the session this message was meant for is gone (the line failed or
          // was closed before any byte came).
          if (line !== undefined && line.state === 'failed') return { reject: 481, comment: 'the file transfer was closed' };
          if (line === undefined || line.state !== 'waiting') return { reject: 403, comment: 'one file per session' };
          line.state = 'receiving';
          return this.#sink(session, line, message.size);
        },
        onClose: (error) => {
          const line = holder.line;
          if (line === undefined) return;
          const open = line.state === 'waiting' || line.state === 'receiving';
          if (line.state === 'waiting') this.#fail(line, `MSRP connection closed: ${error.message}`);
          // The file was not complete when its connection went: the session is over (the sender
          // cannot go on without it), so it is ended here instead of waiting for a BYE that a dead
          // sender never sends.
          if (open) this.#endedByUs(session, { cause: 'msrp-connection-lost', text: `the MSRP connection closed before ${line.name} was complete (${error.message})` });
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
      setup: this.#answeredSetup(media),
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
  async #answerRules(info: OfferedFileInfo, pushed: boolean, withinMax: boolean): Promise<MlineAnswer> {
    const handlers = this.options.procedures.handlers;
    const facts = { 'offer-sendonly': pushed };
    if (!consultedPoints(handlers, 'file-offer-received', facts).includes('accept-file')) {
      return mlineAnswerOf(planReceiverEvent(handlers, 'file-offer-received', facts), 'file-offer-received');
    }
    const accept = this.options.accept;
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
  async #resumableStart(attributes: FileAttributesValue, identity: PartialIdentity | undefined, index: number): Promise<number | undefined> {
    const range = attributes.fileRange;
    if (range === undefined) return 1;
    const size = identity?.size;
    const toEnd = range.stop === '*' || range.stop === size;
    if (range.start === 1 && toEnd) return 1;
    const decline = (why: string): undefined => {
      this.options.log?.({ kind: 'file', event: 'resume-declined', index, from: range.start, reason: why });
      return undefined;
    };
    if (identity === undefined) return decline('the offer names no hash, name and size to match a partial copy');
    if (!toEnd) return decline(`only ranges up to the end of the file are taken, got ${range.start}-${range.stop}`);
    if (range.start > identity.size + 1) return decline(`start ${range.start} is past the size ${identity.size}`);
    const kept = await partialBytes(this.options.dir, identity);
    if (kept < range.start - 1) return decline(`${kept} bytes kept, ${range.start - 1} needed before byte ${range.start}`);
    return range.start;
  }

  #answeredSetup(media: SdpMedia): SetupRole | undefined {
    const offered = getSetup(media);
    const wanted = this.options.setup;
    if (wanted === 'none') return undefined;
    // RFC 4145 §4.1: only an actpass offer leaves the answerer the choice of role.
    if (wanted !== undefined && offered === 'actpass') return wanted;
    return answerSetup(offered);
  }

  #buildAnswer(session: IncomingSession, offer: SessionDescription, plans: readonly LinePlan[]): SessionDescription | undefined {
    const host = this.options.endpoint.host;
    const family = host.includes(':') ? 'IP6' : 'IP4';
    const max = this.options.maxSize;
    const decisions: MediaDecision[] = plans.map((plan) => {
      if (plan.kind === 'reject') return { kind: 'reject' };
      return {
        kind: 'accept',
        port: this.options.endpoint.port,
        path: [plan.line.session.localPathText],
        ...(max !== undefined ? { maxSize: max } : {}),
        // RFC 4145 §4.1: for an unchanged m-line we keep the role we answered before.
        ...(plan.line.setup !== undefined ? { setup: plan.line.setup } : {}),
        // RFC 5547 §8 (rule RFC5547-8-1.push-echo): what the answer repeats is the rules' decision.
        echo: { fileSelector: plan.line.answer.echoSelector, fileTransferId: plan.line.answer.echoTransferId },
        // RFC 5547 §8.2: taking part in a resume, we repeat the offered file-range.
        ...(plan.line.rangeStart > 1 ? { attributes: this.options.procedures.fileAttributes.build(plan.line.attributes).filter((a) => a.name === 'file-range') } : {}),
      };
    });
    // RFC 3264 §8: each new answer in the session increments the o= version.
    session.sessionVersion += 1n;
    const answer = buildAnswer(offer, {
      origin: { username: '-', sessionId: session.sessionId, sessionVersion: String(session.sessionVersion), netType: 'IN', addrType: family, address: host },
      connection: { netType: 'IN', addrType: family, address: host },
      decisions,
    });
    if (!answer.ok) return undefined;
    if (this.options.setup === 'none') {
      for (const media of answer.value.media) media.attributes = media.attributes.filter((a) => a.name !== 'setup');
    }
    return answer.value;
  }

  #startLines(session: IncomingSession, offer: SessionDescription, plans: readonly LinePlan[]): void {
    for (const [index, plan] of plans.entries()) {
      if (plan.kind === 'reject') { session.lines[index] = undefined; continue; }
      if (plan.kind === 'keep') continue;
      const line = plan.line;
      session.lines[index] = line;
      this.#byTransferId.set(line.transferId, line);
      const media = offer.media[index] as SdpMedia;
      const path = parseMsrpPath(getPath(media).join(' '));
      if (!path.ok) { this.#fail(line, path.error.message); continue; }
      line.session.setRemotePath(path.value);
      // RFC 6135 §4: we answered a=setup; when that makes us active we open the connection now.
      if (connectingParty(getSetup(media, offer), line.setup) === 'answerer') {
        line.session.connect().then(
          () => this.#noteBound(session),
          (error: unknown) => {
            if (line.state !== 'waiting') return;
            const text = `cannot connect to the sender's MSRP path: ${error instanceof Error ? error.message : String(error)}`;
            this.#fail(line, text);
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

  async #discardPlans(plans: readonly LinePlan[]): Promise<void> {
    for (const plan of plans) {
      if (plan.kind !== 'new') continue;
      plan.line.session.close();
      await plan.line.writer.abort().catch(noop);
    }
  }

  // ------------------------------------------------------------------ the data path

  #sink(session: IncomingSession, line: IncomingLine, announced: number | undefined): MessageSink {
    let lastProgress = 0;
    let received = 0;
    let writeError: unknown;
    let finalized: Promise<void> | undefined;
    const total = line.size ?? announced;
    // RFC 5547 file-range: the message is the offered range, its Byte-Range counting from 1; a
    // sender that numbered the whole file instead announces the full size as the message total.
    const offset = line.rangeStart > 1 && announced !== line.size ? line.rangeStart - 1 : 0;
    const finish = (): Promise<void> => {
      line.state = 'finalizing';
      this.emit('progress', { transferId: line.transferId, name: line.name, received: offset + received, total });
      finalized = this.#finalize(session, line, offset + received);
      line.finalization = finalized.then(noop, noop);
      return finalized;
    };
    return {
      // The writer copies `data` into its staging blocks and hashes it before write() returns.
      consumesSynchronously: true,
      write: (position, data) => {
        // RFC 4975 §7.2: a chunk we cannot store gets an error response, so the sender stops
        // instead of streaming the rest of the file into a full disk. 413 is the status that asks
        // the sender to stop sending this message (§10); the comment names the system error.
        if (writeError !== undefined) {
          // The file is over: no part is kept (see #discard), and the connection closing after
          // our refusal is then no reason to end the whole session.
          this.#fail(line, `cannot store the file: ${describeError(writeError)}`, false);
          throw new MessageRefusedError(413, `cannot store the file${errnoOf(writeError)}`, { cause: writeError });
        }
        // After a failure nothing more goes to disk: the partial kept for a resume is what was
        // written up to then. The chunk must not be answered 200, or the sender would count
        // bytes as delivered that the partial does not hold and resume after a gap. RFC 4975
        // §10: 481 says the session (here: this file's transfer) no longer exists.
        if (line.state === 'failed') throw new MessageRefusedError(481, 'the file transfer was closed');
        session.lifetime.activity();
        const written = line.writer.write(data, position + offset);
        line.lastWrite = written;
        written.catch((error: unknown) => { writeError ??= error; });
        received += data.length;
        const now = Date.now();
        if (now - lastProgress >= 100) {
          lastProgress = now;
          this.emit('progress', { transferId: line.transferId, name: line.name, received: offset + received, total });
        }
        // The message's last byte: the file is checked and published before the MSRP layer
        // answers this chunk, so its 200 is only sent for a file that is really there; a write
        // error or hash mismatch becomes an error response the sender sees (a failure REPORT
        // after the 200 is not sent by the MSRP layer, and a sender may not wait for one).
        if (announced !== undefined && received === announced) return finish();
        // Disk backpressure: the MSRP session pauses the socket until the writer drained.
        if (line.writer.needsDrain) return line.writer.drained();
        return undefined;
      },
      end: (flag) => {
        if (flag === '#') {
          // RFC 4975 §7.1: '#' (or a dropped connection) ends the message unfinished; after a write
          // error it is our own error response that ended it.
          this.#fail(line, writeError !== undefined ? `cannot store the file: ${describeError(writeError)}` : 'the sender aborted the file or the MSRP connection dropped');
          return;
        }
        // Already finished at the last byte (the usual case), or chunks overlapped: finish now.
        return finalized ?? finish();
      },
    };
  }

  /** Publishes the file; rejects on a size or hash mismatch so that no success REPORT goes out. */
  async #finalize(session: IncomingSession, line: IncomingLine, received: number): Promise<void> {
    const offered = line.attributes.fileSelector?.hash;
    // RFC 5547 §6 (rule RFC5547-6-1.verify-hash): whether the offered hash is checked is the rules'.
    const plan = planReceiverEvent(this.options.procedures.handlers, 'file-data-complete', { 'selector-has-hash': offered !== undefined });
    const hash = verifiesHash(plan) ? offered : undefined;
    const result = await line.writer.finalize({ size: line.size ?? received, ...(hash !== undefined ? { hash } : {}) });
    if (!result.ok) {
      line.state = 'failed';
      const reason = describeError(result.error);
      this.emit('file-failed', { transferId: line.transferId, name: line.name, reason });
      this.options.log?.({ kind: 'file', event: 'failed', name: line.name, reason });
      throw finalizeRefusal(result.error);
    }
    line.state = 'done';
    session.received += 1;
    if (line.identity !== undefined) await removePartial(this.options.dir, line.identity);
    this.options.log?.({ kind: 'file', event: 'received', name: line.name, path: result.value.path, size: result.value.size });
    this.emit('file-received', { transferId: line.transferId, path: result.value.path, size: result.value.size, hash: result.value.hash.digest });
  }

  /** `keep` false: no resume partial, even with keepPartials (the disk could not store the file). */
  #fail(line: IncomingLine, reason: string, keep = true): void {
    if (line.state === 'failed' || line.state === 'done' || line.state === 'finalizing') return;
    line.state = 'failed';
    line.discarded = this.#discard(line, keep);
    this.options.log?.({ kind: 'file', event: 'failed', name: line.name, reason });
    this.emit('file-failed', { transferId: line.transferId, name: line.name, reason });
  }

  /**
   * Drops an unfinished file's temporary data, first keeping its gap-free prefix when resumable.
   * A file refused for a storage error (ENOSPC, EIO ...) keeps no part: our 413 made the sender
   * count the file as refused, not interrupted, so it records no restart point and would never
   * resume it, and the part would only hold on to space the disk is short of. An older part of the
   * same file goes too, so a resend starts cleanly from byte 1.
   */
  async #discard(line: IncomingLine, keep: boolean): Promise<void> {
    if (this.options.keepPartials === true && line.identity !== undefined && !keep) {
      await line.lastWrite.catch(noop);
      await removePartial(this.options.dir, line.identity).catch(noop);
      this.options.log?.({ kind: 'file', event: 'partial-dropped', name: line.name, reason: 'the file was refused for a storage error; a resend starts from byte 1' });
    } else if (this.options.keepPartials === true && line.identity !== undefined) {
      await line.lastWrite.catch(noop);
      const first = line.writer.receivedRanges()[0];
      const prefix = first !== undefined && first.start === 1 ? first.end : 0;
      try {
        const kept = await keepPartial(this.options.dir, line.identity, line.writer, prefix);
        if (kept > 0) this.options.log?.({ kind: 'file', event: 'partial-kept', name: line.name, bytes: kept, size: line.identity.size });
      } catch (error) {
        this.options.log?.({ kind: 'file', event: 'partial-lost', name: line.name, message: String(error) });
      }
    }
    await line.writer.abort().catch(noop);
  }

  async #closeLine(line: IncomingLine, reason: string): Promise<void> {
    this.#fail(line, reason);
    await line.finalization;
    await line.discarded;
    line.session.close();
    this.#byTransferId.delete(line.transferId);
  }

  async #endSession(session: IncomingSession, why = 'the session ended before the file was complete'): Promise<void> {
    await Promise.all(session.closing);
    await Promise.all(session.lines.map((line) => (line === undefined ? undefined : this.#closeLine(line, why))));
  }
}

