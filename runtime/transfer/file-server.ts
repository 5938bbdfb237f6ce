// The answering side of an RFC 5547 pull (§8: the offerer is the file receiver). An INVITE whose file
// m-lines are all recvonly asks us for files by their file-selector. What each m-line's answer is
// comes from the generated rules of pull-offer-received (RFC5547-8-2.*, receiver-answer-plan.ts):
// with the spec as shipped, a servable m-line is answered sendonly (the offer's selector and
// transfer id repeated) and its file sent as one MSRP message, any other is rejected with port 0.
// Only regular files directly inside `dir` are ever served (see findServedFile).

import { CpmError } from '../errors.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { fileAttributeNames, getDirection, getFileSelector, getFileTransferId, getPath, getSetup, isMsrpMedia, type SetupRole } from '../sdp/msrp-attributes.ts';
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
  /** A pulled m-line was looked up: served, or rejected with the reason. */
  request: { readonly from: string; readonly selector: string; readonly served: boolean; readonly reason?: string; readonly path?: string };
  /** A served file was sent and acknowledged (every chunk answered 200), or failed. */
  'file-served': { readonly name: string; readonly path: string; readonly size: number; readonly ok: boolean; readonly reason?: string };
}

interface ServedLine {
  readonly file: PreparedFile;
  readonly answer: TakenMline;
  readonly session: MsrpSession;
  readonly setup: SetupRole | undefined;
}

interface ServedSession {
  readonly dialog: Dialog;
  readonly lines: readonly ServedLine[];
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

  /** A re-INVITE in a pull session: not supported, the session keeps its first answer (RFC 3261 §14.2). */
  handleReinvite(_dialog: Dialog, incoming: IncomingInvite): void {
    incoming.reject(488, 'Not Acceptable Here');
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
    for (const line of session.lines) line.session.close();
  }

  async #lookup(from: string, media: SdpMedia, offer: SessionDescription): Promise<ServeLookup> {
    if (media.port === 0 || !isMsrpMedia(media)) return { kind: 'refused', reason: 'not an MSRP m-line' };
    // RFC 5547 §8: a pull is offered recvonly; we do not take pushed files here.
    if (getDirection(media, offer) !== 'recvonly') return { kind: 'refused', reason: 'not a pull (the m-line is not recvonly)' };
    const text = getFileSelector(media);
    if (text === undefined) return { kind: 'refused', reason: 'no file-selector' };
    if (getFileTransferId(media) === undefined) return { kind: 'refused', reason: 'no file-transfer-id' };
    const selector = parsePullSelector(text);
    const lookup = selector.ok ? await findServedFile(this.#options.dir, selector.value) : { kind: 'refused' as const, reason: selector.error.message };
    const served = lookup.kind === 'found';
    this.#options.log?.({ kind: 'file', event: 'pull-request', from, selector: text, served, ...(lookup.kind === 'found' ? { path: lookup.file.path } : { reason: lookup.reason }) });
    this.emit('request', { from, selector: text, served, ...(lookup.kind === 'found' ? { path: lookup.file.path } : { reason: lookup.reason }) });
    return lookup;
  }

  async #answer(incoming: IncomingInvite): Promise<void> {
    const offer = sdpOf(incoming.request);
    if (offer === undefined || offer.media.length === 0 || this.#closed) {
      incoming.reject(488);
      return;
    }
    const from = incoming.request.headers.get('From') ?? '';
    const lookups = await Promise.all(offer.media.map((media) => this.#lookup(from, media, offer)));
    if (incoming.cancelled) return;
    const host = this.#options.endpoint.host;
    const family = host.includes(':') ? 'IP6' : 'IP4';
    // RFC 5547 §8 (rules RFC5547-8-2.*): serve or refuse is the generated rules' answer, decided for
    // every m-line before anything is allocated (a spec error then leaves nothing open).
    const answers = lookups.map((lookup) => {
      const answer = mlineAnswerOf(planReceiverEvent(this.#options.procedures.handlers, 'pull-offer-received', { 'file-found': lookup.kind === 'found' }), 'pull-offer-received');
      if (answer.kind === 'receive') throw new CpmError('ERR_PROCEDURE_ACTION_OUT_OF_PHASE', `rule ${answer.rule} answers a pull m-line recvonly: a file server has nothing to receive`);
      return answer;
    });
    const lines: Array<ServedLine | undefined> = lookups.map((lookup, index) => {
      const answer = answers[index];
      if (answer === undefined || answer.kind !== 'serve' || lookup.kind !== 'found') return undefined;
      const media = offer.media[index] as SdpMedia;
      const session = this.#options.endpoint.createSession({
        // Nothing is received on a sendonly line: a SEND from the puller is refused.
        delegate: { onMessageStart: () => ({ reject: 403, comment: 'this session only sends' }) },
      });
      return { file: lookup.file, answer, session, setup: answerSetup(getSetup(media, offer)) };
    });
    const decisions: MediaDecision[] = lines.map((line) => (line === undefined
      ? { kind: 'reject' }
      : { kind: 'accept', port: this.#options.endpoint.port, path: [line.session.localPathText], acceptTypes: [line.file.type], ...(line.setup !== undefined ? { setup: line.setup } : {}) }));
    const answer = buildAnswer(offer, {
      origin: { username: '-', sessionId: String(Date.now()), sessionVersion: '1', netType: 'IN', addrType: family, address: host },
      connection: { netType: 'IN', addrType: family, address: host },
      decisions,
    });
    if (!answer.ok) {
      for (const line of lines) line?.session.close();
      incoming.reject(488);
      return;
    }
    // RFC 5547 §8 (rule RFC5547-8-2.pull-serve): buildAnswer repeats the offer's file-selector and
    // file-transfer-id; whichever the rules do not ask for is left out.
    for (const [index, line] of lines.entries()) {
      const media = answer.value.media[index];
      if (line === undefined || media === undefined) continue;
      const drop = new Set<string>([
        ...(line.answer.echoSelector ? [] : [fileAttributeNames.fileSelector]),
        ...(line.answer.echoTransferId ? [] : [fileAttributeNames.fileTransferId]),
      ]);
      if (drop.size > 0) media.attributes = media.attributes.filter((a) => !drop.has(a.name));
    }
    // RFC 3264 §6: an answer rejecting every m-line is still an answer; the puller sees port 0 per
    // file (its "not found") and ends the session with BYE.
    const dialog = incoming.accept(serializeSessionDescription(answer.value), 'application/sdp');
    const served = lines.filter((l): l is ServedLine => l !== undefined);
    const session: ServedSession = { dialog, lines: served, ended: false, timer: undefined };
    this.#sessions.set(dialogKey(dialog.id), session);
    const sends = lines.map((line, index) => (line === undefined ? undefined : this.#serve(session, line, offer, offer.media[index] as SdpMedia)));
    await Promise.all(sends);
    // The puller releases the session once it has its files (RFC 5547 §8); one that does not is
    // sent a BYE after the wait, so no session lingers.
    if (!session.ended) {
      session.timer = setTimeout(() => {
        if (session.ended) return;
        this.#sessions.delete(dialogKey(dialog.id));
        this.#end(session);
        void this.#options.ua.bye(dialog).catch(() => undefined);
      }, this.#options.waitTimeoutMs ?? DEFAULT_WAIT_MS);
      session.timer.unref?.();
    }
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
      else await withTimeout(line.session.waitBound(), waitMs, 'the puller did not open the MSRP connection');
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
      aborted: () => session.ended,
      onProgress: () => undefined,
      ...(this.#options.log !== undefined ? { log: this.#options.log } : {}),
    });
    if (outcome.kind === 'delivered') report(true);
    else report(false, outcome.failure.message);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new CpmError('ERR_PULL_TIMEOUT', message)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
