// The answering side of an RFC 5547 pull (§8: the offerer is the file receiver). An INVITE whose file
// m-lines are all recvonly asks us for files by their file-selector. What each m-line's answer is
// comes from the generated rules of pull-offer-received (RFC5547-8-2.*, receiver-answer-plan.ts):
// with the spec as shipped, a servable m-line is answered sendonly (the offer's selector and
// transfer id repeated) and its file sent as one MSRP message, any other is rejected with port 0.
// Only regular files directly inside `dir` are ever served (see findServedFile). A re-INVITE in the
// session may close m-lines, refresh them unchanged, or reuse one for another file (pull-reoffer.ts).

import { randomInt } from 'node:crypto';
import { CpmError } from '../errors.ts';
import { withTimeout } from '../with-timeout.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { getDirection, getFileSelector, getFileTransferId, getPath, getSetup, isMsrpMedia, type SetupRole } from '../sdp/msrp-attributes.ts';
import type { ProcedureHandlers } from '../procedure/decision.ts';
import { answerSetup, buildAnswer, connectingParty, type MediaDecision } from '../sdp/offer-answer.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import { dialogKey, type Dialog } from '../sip/dialog/dialog.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import type { SipRequest } from '../sip/syntax/sip-message.ts';
import type { IncomingInvite, UserAgent } from '../sip/user-agent-types.ts';
import type { PreparedFile } from './file-offer.ts';
import { isRefresh, planPullReoffer, type PullReofferStep } from './pull-reoffer.ts';
import { findServedFile, parsePullSelector, type ServeLookup } from './pull-selector.ts';
import { mlineAnswerOf, planReceiverEvent, type MlineAnswer, type TakenMline } from './receiver-answer-plan.ts';
import { sendFileOverMsrp } from './send-file-over-msrp.ts';
import type { TransferLogger } from './transfer-types.ts';
import { TypedEmitter } from './typed-emitter.ts';

export interface FileServerOptions {
  readonly endpoint: MsrpEndpoint;
  /** For the BYE that ends a session the puller leaves open after its files. */
  readonly ua: Pick<UserAgent, 'bye'>;
  /** The only folder files are served from. */
  readonly dir: string;
  /** The generated RFC 5547 answer rules (src/ passes the generated handlers, as for the sender). */
  readonly procedures: { readonly handlers: ProcedureHandlers };
  readonly chunkSize?: number;
  /** How long to wait for the puller's MSRP connection or its BYE after the last file (default 30 s). */
  readonly waitTimeoutMs?: number;
  readonly log?: TransferLogger;
}

export interface FileServerEvents {
  /**
   * A pulled m-line was answered: served (its file is being sent; a 'file-served' follows), or not,
   * with the reason. Told once the INVITE is answered, so a request found but then cancelled or
   * refused as a whole is never reported served.
   */
  request: { readonly from: string; readonly selector: string; readonly served: boolean; readonly reason?: string; readonly path?: string };
  /** A served file was sent and acknowledged (every chunk answered 200), or failed. */
  'file-served': { readonly name: string; readonly path: string; readonly size: number; readonly ok: boolean; readonly reason?: string };
}

interface ServedLine {
  readonly file: PreparedFile;
  readonly answer: TakenMline;
  readonly session: MsrpSession;
  readonly setup: SetupRole | undefined;
  /** A re-offer closed or replaced this m-line: stop sending. */
  stopped: boolean;
}

/** A pulled m-line looked up: what it asked for (its file-selector) and what we found. */
interface Looked {
  readonly selector: string;
  readonly lookup: ServeLookup;
}

interface ServedSession {
  readonly dialog: Dialog;
  /** What each m-line of the session currently carries (undefined: nothing, port 0). */
  lines: Array<ServedLine | undefined>;
  /** The last offer and our answer to it: a re-offer is read against them (RFC 3264 §8). */
  offer: SessionDescription;
  answer: SessionDescription;
  /** Offer/answer exchanges whose files are still being sent. */
  sending: number;
  ended: boolean;
  timer: NodeJS.Timeout | undefined;
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;
const DEFAULT_WAIT_MS = 30_000;

/** The SDP text of a request body (plain, or the application/sdp part of a multipart body). */
function sdpOf(request: SipRequest): SessionDescription | undefined {
  const type = (request.headers.get('Content-Type') ?? '').trim();
  let body = request.body;
  if (/^multipart\//i.test(type)) {
    const parts = parseMultipart(body, type);
    const sdp = parts.ok ? parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
    if (sdp === undefined) return undefined;
    body = sdp.body;
  } else if (!/^application\/sdp/i.test(type)) {
    return undefined;
  }
  const parsed = parseSessionDescription(body.toString('utf8'), 'sdp offer');
  return parsed.ok ? parsed.value : undefined;
}

/**
 * RFC 5547 §8: an offer is a pull when its file m-lines (MSRP, port not 0) are all recvonly, the
 * offerer wanting to receive. Anything else (push, mixed, no SDP) is not ours to answer.
 */
export function isPullOffer(request: SipRequest): boolean {
  const offer = sdpOf(request);
  if (offer === undefined) return false;
  const live = offer.media.filter((m) => m.port !== 0 && isMsrpMedia(m));
  return live.length > 0 && live.every((m) => getDirection(m, offer) === 'recvonly');
}

export class FileServer extends TypedEmitter<FileServerEvents> {
  readonly #options: FileServerOptions;
  readonly #sessions = new Map<string, ServedSession>();
  #closed = false;

  constructor(options: FileServerOptions) {
    super();
    this.#options = options;
  }

  handleInvite(incoming: IncomingInvite): void {
    void this.#answer(incoming).catch((error: unknown) => {
      this.#options.log?.({ kind: 'file', event: 'internal-error', message: String(error) });
      if (!incoming.answered) incoming.reject(500);
    });
  }

  /**
   * A re-INVITE in a pull session (RFC 3264 §8, RFC 5547 §8.1): port 0 closes an m-line, an unchanged
   * one keeps its answer (a refresh gets the previous answer back), a new file-transfer-id asks for
   * another file on that m-line. An unusable re-offer gets 488 and the session stays as it was
   * (RFC 3261 §14.2).
   */
  handleReinvite(dialog: Dialog, incoming: IncomingInvite): void {
    void this.#reanswer(dialog, incoming).catch((error: unknown) => {
      this.#options.log?.({ kind: 'file', event: 'internal-error', message: String(error) });
      if (!incoming.answered) incoming.reject(500);
    });
  }

  handles(dialog: Dialog): boolean {
    return this.#sessions.has(dialogKey(dialog.id));
  }

  /** BYE (or the dialog otherwise ended): stop what is still being sent. */
  handleBye(dialog: Dialog): void {
    const key = dialogKey(dialog.id);
    const session = this.#sessions.get(key);
    if (session === undefined) return;
    this.#sessions.delete(key);
    this.#end(session);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map(async (s) => {
      this.#end(s);
      await this.#options.ua.bye(s.dialog).catch(() => undefined);
    }));
  }

  #end(session: ServedSession): void {
    session.ended = true;
    if (session.timer !== undefined) clearTimeout(session.timer);
    for (const line of session.lines) line?.session.close();
  }

  /** Opens the MSRP session for an m-line we serve (nothing is received on a sendonly line). */
  /**
   * RFC 5547 §8 (rules RFC5547-8-2.*): serve or refuse is the generated rules' answer. It is asked for
   * every m-line of an offer before anything is allocated, so a spec error leaves nothing open.
   */
  #answerOf(lookup: ServeLookup): MlineAnswer {
    const answer = mlineAnswerOf(planReceiverEvent(this.#options.procedures.handlers, 'pull-offer-received', { 'file-found': lookup.kind === 'found' }), 'pull-offer-received');
    if (answer.kind === 'receive') throw new CpmError('ERR_PROCEDURE_ACTION_OUT_OF_PHASE', `rule ${answer.rule} answers a pull m-line recvonly: a file server has nothing to receive`);
    return answer;
  }

  #openLine(lookup: ServeLookup, answer: MlineAnswer, media: SdpMedia, offer: SessionDescription): ServedLine | undefined {
    if (answer.kind !== 'serve' || lookup.kind !== 'found') return undefined;
    const session = this.#options.endpoint.createSession({
      // Nothing is received on a sendonly line: a SEND from the puller is refused.
      delegate: { onMessageStart: () => ({ reject: 403, comment: 'this session only sends' }) },
    });
    return { file: lookup.file, answer, session, setup: answerSetup(getSetup(media, offer)), stopped: false };
  }


  /** The answer to `offer` given what each m-line carries: sendonly for a served file, else port 0. */
  #answerFor(offer: SessionDescription, lines: ReadonlyArray<ServedLine | undefined>, sessionId: string, version: string): ReturnType<typeof buildAnswer> {
    const host = this.#options.endpoint.host;
    const family = host.includes(':') ? 'IP6' : 'IP4';
    const decisions: MediaDecision[] = lines.map((line) => (line === undefined
      ? { kind: 'reject' }
      : {
        kind: 'accept', port: this.#options.endpoint.port, path: [line.session.localPathText], acceptTypes: [line.file.type],
        ...(line.setup !== undefined ? { setup: line.setup } : {}),
        // RFC 5547 §8 (rule RFC5547-8-2.pull-serve): what the answer repeats is the rules' decision.
        echo: { fileSelector: line.answer.echoSelector, fileTransferId: line.answer.echoTransferId },
      }));
    return buildAnswer(offer, {
      origin: { username: '-', sessionId, sessionVersion: version, netType: 'IN', addrType: family, address: host },
      connection: { netType: 'IN', addrType: family, address: host },
      decisions,
    });
  }

  /** Sends the given lines' files; when nothing is left to send, arms the wait for the puller's BYE. */
  async #serveAll(session: ServedSession, served: ReadonlyArray<{ line: ServedLine; media: SdpMedia }>, offer: SessionDescription): Promise<void> {
    if (session.timer !== undefined) clearTimeout(session.timer);
    session.timer = undefined;
    session.sending += 1;
    await Promise.all(served.map(({ line, media }) => this.#serve(session, line, offer, media)));
    session.sending -= 1;
    // The puller releases the session once it has its files (RFC 5547 §8), or asks for another by a
    // re-offer; one that does neither is sent a BYE after the wait, so no session lingers.
    if (session.ended || session.sending > 0) return;
    session.timer = setTimeout(() => {
      if (session.ended) return;
      this.#sessions.delete(dialogKey(session.dialog.id));
      this.#end(session);
      void this.#options.ua.bye(session.dialog).catch(() => undefined);
    }, this.#options.waitTimeoutMs ?? DEFAULT_WAIT_MS);
    session.timer.unref?.();
  }

  async #reanswer(dialog: Dialog, incoming: IncomingInvite): Promise<void> {
    const session = this.#sessions.get(dialogKey(dialog.id));
    if (session === undefined || session.ended || this.#closed) {
      incoming.reject(481, 'Call/Transaction Does Not Exist');
      return;
    }
    const offer = sdpOf(incoming.request);
    const plan = offer === undefined ? undefined : planPullReoffer(session.offer, offer, this.#options.procedures.handlers);
    if (offer === undefined || plan === undefined || !plan.ok) {
      const why = plan !== undefined && !plan.ok ? plan.error.message : 'no readable SDP offer';
      this.#options.log?.({ kind: 'file', event: 'pull-reoffer-refused', reason: why });
      incoming.reject(488, 'Not Acceptable Here', [{ name: 'Warning', value: `399 ${this.#options.endpoint.host} "${why.replace(/["\\]/g, '')}"` }]);
      return;
    }
    if (isRefresh(plan.value)) {
      // RFC 3264 §8 / RFC 5547 §8.1: nothing changed, so neither does the answer (same o= version).
      session.offer = offer;
      incoming.accept(serializeSessionDescription(session.answer), 'application/sdp');
      return;
    }
    const from = incoming.request.headers.get('From') ?? '';
    const looked = await Promise.all(plan.value.map((step) => (step.action === 'pull' ? this.#lookup(offer.media[step.index] as SdpMedia, offer) : undefined)));
    const lookups = plan.value.map((step, index) => (step.action === 'pull' ? looked[index]?.lookup ?? { kind: 'refused' as const, reason: notPulled(offer.media[step.index] as SdpMedia, offer) } : undefined));
    const fresh = await this.#told(from, looked, () => this.#reanswerWith(session, incoming, offer, plan.value, lookups));
    await this.#serveAll(session, fresh, offer);
  }

  /** The re-offer's answer once its new m-lines are looked up; the lines to start sending (none when refused). */
  #reanswerWith(session: ServedSession, incoming: IncomingInvite, offer: SessionDescription, steps: readonly PullReofferStep[], lookups: ReadonlyArray<ServeLookup | undefined>): Answered {
    if (incoming.cancelled) return { refused: 'the puller cancelled the request' };
    if (session.ended) {
      incoming.reject(481, 'Call/Transaction Does Not Exist');
      return { refused: 'the session had ended' };
    }
    const answers = lookups.map((lookup) => (lookup === undefined ? undefined : this.#answerOf(lookup)));
    const next: Array<ServedLine | undefined> = steps.map((step) => {
      const current = session.lines[step.index];
      if (step.action === 'keep') return current;
      const lookup = lookups[step.index];
      const answer = answers[step.index];
      return lookup === undefined || answer === undefined ? undefined : this.#openLine(lookup, answer, offer.media[step.index] as SdpMedia, offer);
    });
    const version = incrementVersion(session.answer.origin.sessionVersion);
    // RFC 4566 §5.2: the o= session id stays for the session; the version moves on.
    const answer = this.#answerFor(offer, next, session.answer.origin.sessionId, version);
    if (!answer.ok) {
      for (const [index, line] of next.entries()) if (line !== session.lines[index]) line?.session.close();
      incoming.reject(488);
      return { refused: 'the offer could not be answered (488)' };
    }
    // Unchanged m-lines are answered exactly as before (their MSRP path, setup and attributes).
    for (const step of steps) if (step.action === 'keep') answer.value.media[step.index] = structuredClone(session.answer.media[step.index] as SdpMedia);
    // Closed or replaced m-lines stop sending what they carried.
    for (const [index, line] of session.lines.entries()) {
      if (line !== undefined && next[index] !== line) {
        line.stopped = true;
        line.session.close();
      }
    }
    this.#options.log?.({ kind: 'file', event: 'pull-reoffer', steps: steps.map((s) => s.action).join(',') });
    incoming.accept(serializeSessionDescription(answer.value), 'application/sdp');
    session.lines = next;
    session.offer = offer;
    session.answer = answer.value;
    const lines = new Array<ServedLine | undefined>(next.length);
    const fresh = steps.flatMap((step) => {
      const line = next[step.index];
      if (step.action === 'pull' && line !== undefined) lines[step.index] = line;
      return step.action === 'pull' && line !== undefined ? [{ line, media: offer.media[step.index] as SdpMedia }] : [];
    });
    return { lines, fresh };
  }

  /**
   * Runs `answer` and then tells each looked-up m-line's outcome ('request' event and log): served
   * only when the INVITE was accepted with that m-line open, so a caller counting requests in
   * flight (until their 'file-served') never counts one that was cancelled or refused.
   */
  async #told(from: string, looked: ReadonlyArray<Looked | undefined>, answer: () => Answered | Promise<Answered>): Promise<ReadonlyArray<{ line: ServedLine; media: SdpMedia }>> {
    let outcome: Answered = { refused: 'the request could not be answered' };
    try {
      outcome = await answer();
    } catch (error) {
      outcome = { refused: `the request could not be answered: ${error instanceof Error ? error.message : String(error)}` };
      throw error;
    } finally {
      for (const [index, l] of looked.entries()) {
        if (l === undefined) continue;
        const opened = 'lines' in outcome && outcome.lines[index] !== undefined;
        const reason = l.lookup.kind !== 'found' ? l.lookup.reason : 'refused' in outcome ? outcome.refused : 'declined by the answer rules';
        const told = opened && l.lookup.kind === 'found'
          ? { from, selector: l.selector, served: true, path: l.lookup.file.path }
          : { from, selector: l.selector, served: false, reason };
        this.#options.log?.({ kind: 'file', event: 'pull-request', ...told });
        this.emit('request', told);
      }
    }
    return 'fresh' in outcome ? outcome.fresh : [];
  }

  async #lookup(media: SdpMedia, offer: SessionDescription): Promise<Looked | undefined> {
    if (media.port === 0 || !isMsrpMedia(media)) return undefined;
    // RFC 5547 §8: a pull is offered recvonly; we do not take pushed files here.
    if (getDirection(media, offer) !== 'recvonly') return undefined;
    const text = getFileSelector(media);
    if (text === undefined) return undefined;
    if (getFileTransferId(media) === undefined) return undefined;
    const selector = parsePullSelector(text);
    const lookup = selector.ok ? await findServedFile(this.#options.dir, selector.value) : { kind: 'refused' as const, reason: selector.error.message };
    return { selector: text, lookup };
  }

  async #answer(incoming: IncomingInvite): Promise<void> {
    const offer = sdpOf(incoming.request);
    if (offer === undefined || offer.media.length === 0 || this.#closed) {
      incoming.reject(488);
      return;
    }
    const from = incoming.request.headers.get('From') ?? '';
    const looked = await Promise.all(offer.media.map((media) => this.#lookup(media, offer)));
    const lookups = looked.map((l, index) => l?.lookup ?? { kind: 'refused' as const, reason: notPulled(offer.media[index] as SdpMedia, offer) });
    let session: ServedSession | undefined;
    const served = await this.#told(from, looked, () => {
      if (incoming.cancelled) return { refused: 'the puller cancelled the request' };
      const answers = lookups.map((lookup) => this.#answerOf(lookup));
      const lines = lookups.map((lookup, index) => this.#openLine(lookup, answers[index] as MlineAnswer, offer.media[index] as SdpMedia, offer));
      const answer = this.#answerFor(offer, lines, `${Date.now()}${randomInt(1000, 10000)}`, '1');
      if (!answer.ok) {
        for (const line of lines) line?.session.close();
        incoming.reject(488);
        return { refused: 'the offer could not be answered (488)' };
      }
      // RFC 3264 §6: an answer rejecting every m-line is still an answer; the puller sees port 0 per
      // file (its "not found") and ends the session with BYE, or asks again by a re-offer.
      const dialog = incoming.accept(serializeSessionDescription(answer.value), 'application/sdp');
      session = { dialog, lines, offer, answer: answer.value, sending: 0, ended: false, timer: undefined };
      this.#sessions.set(dialogKey(dialog.id), session);
      return { lines, fresh: lines.flatMap((line, index) => (line === undefined ? [] : [{ line, media: offer.media[index] as SdpMedia }])) };
    });
    if (session !== undefined) await this.#serveAll(session, served, offer);
  }

  async #serve(session: ServedSession, line: ServedLine, offer: SessionDescription, media: SdpMedia): Promise<void> {
    const report = (ok: boolean, reason?: string): void => {
      this.#options.log?.({ kind: 'file', event: ok ? 'served' : 'serve-failed', name: line.file.name, size: line.file.size, ...(reason !== undefined ? { reason } : {}) });
      this.emit('file-served', { name: line.file.name, path: line.file.path, size: line.file.size, ok, ...(reason !== undefined ? { reason } : {}) });
    };
    const path = parseMsrpPath(getPath(media).join(' '));
    if (!path.ok) { report(false, `bad a=path: ${path.error.message}`); return; }
    line.session.setRemotePath(path.value);
    const waitMs = this.#options.waitTimeoutMs ?? DEFAULT_WAIT_MS;
    try {
      // RFC 6135 §4 / RFC 4975 §5.4: whoever is active opens the connection; we either connect
      // (sending the binding SEND) or wait for the puller's first request.
      if (connectingParty(getSetup(media, offer), line.setup) === 'answerer') await line.session.connect();
      else await withTimeout(line.session.waitBound(), waitMs, () => new CpmError('ERR_PULL_TIMEOUT', 'the puller did not open the MSRP connection'));
    } catch (error) {
      report(false, error instanceof Error ? error.message : String(error));
      return;
    }
    const closeWatch: { onClose?: ((error: CpmError) => void) | undefined } = {};
    const outcome = await sendFileOverMsrp(line.session, line.file, {
      watch: {},
      chunkSize: this.#options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      successReport: false,
      waitTimeoutMs: waitMs,
      closeWatch,
      aborted: () => session.ended || line.stopped,
      onProgress: () => undefined,
      ...(this.#options.log !== undefined ? { log: this.#options.log } : {}),
    });
    if (outcome.kind === 'delivered') report(true);
    else report(false, outcome.failure.message);
  }
}

/** Why an m-line is no pull request at all (it is answered with port 0 and never reported). */
function notPulled(media: SdpMedia, offer: SessionDescription): string {
  if (media.port === 0 || !isMsrpMedia(media)) return 'not an MSRP m-line';
  // RFC 5547 §8: a pull is offered recvonly; we do not take pushed files here.
  if (getDirection(media, offer) !== 'recvonly') return 'not a pull (the m-line is not recvonly)';
  if (getFileSelector(media) === undefined) return 'no file-selector';
  return 'no file-transfer-id';
}

/** How an offer was answered: the m-lines opened and those to start sending, or why it was not. */
type Answered =
  | { readonly lines: ReadonlyArray<ServedLine | undefined>; readonly fresh: ReadonlyArray<{ line: ServedLine; media: SdpMedia }> }
  | { readonly refused: string };

/** RFC 3264 §8: a changed answer in the session carries the next o= version. */
function incrementVersion(version: string): string {
  return /^[0-9]+$/.test(version) ? (BigInt(version) + 1n).toString() : '1';
}

