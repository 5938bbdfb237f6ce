// Several RFC 5547 pulls in one SIP session: the first file is asked for by the INVITE, each further
// one by a re-INVITE that reuses the m-line (RFC 3264 §8: the m-line stays, RFC 5547 §8.1: a new
// file-transfer-id makes it a new transfer; a fresh MSRP session and path, never a reused session
// id). A re-INVITE the peer refuses leaves the session as it was (RFC 3261 §14.1), and the next file
// is asked for again on it; when there is no session (the INVITE itself was refused) the next file
// gets a new INVITE. The session is released with BYE after the last file.

import { CpmError } from '../errors.ts';
import { withTimeout } from '../with-timeout.ts';
import { ReceivingWriter, type ReceivedFile } from '../files/receiving-writer.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { getPath, getSetup } from '../sdp/msrp-attributes.ts';
import { buildReoffer, validateAnswer } from '../sdp/offer-answer.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import type { SdpMedia, SessionDescription } from '../sdp/session-description.ts';
import { cpmIcsi, cpmInviteHeaders } from '../sip/cpm-headers.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import type { SipResponse } from '../sip/syntax/sip-message.ts';
import type { UserAgent } from '../sip/user-agent-types.ts';
import { answerOf, buildPullMedia, deferred, pullSink, type PullOptions, type PullResult } from './file-puller.ts';
import { buildSessionOffer, newFileTransferId } from './file-offer.ts';
import { formatPullSelector, type PullSelector } from './pull-selector.ts';

export interface PullSessionOptions extends Omit<PullOptions, 'selector' | 'ua'> {
  readonly ua: Pick<UserAgent, 'invite' | 'bye' | 'reinvite'>;
  /** The files wanted, in order; one result each. */
  readonly selectors: readonly PullSelector[];
}

const DEFAULT_TIMEOUT_MS = 60_000;

type Failure = Extract<PullResult, { ok: false }>;
const failed = (reason: Failure['reason'], message: string, status?: number): Failure =>
  ({ ok: false, reason, message, ...(status !== undefined ? { status } : {}) });

/** Pulls the files one after another over one session; never rejects. */
export async function pullFiles(options: PullSessionOptions): Promise<PullResult[]> {
  const state: SessionState = { dialog: undefined, offer: undefined };
  const results: PullResult[] = [];
  try {
    for (const selector of options.selectors) {
      results.push(options.signal?.aborted === true ? failed('cancelled', cancelMessage(options.signal)) : await pullNext(options, state, selector));
    }
  } finally {
    // RFC 5547 §8: the file receiver ends the session once it is done with it.
    if (state.dialog !== undefined) await options.ua.bye(state.dialog).catch(() => undefined);
  }
  return results;
}

const cancelMessage = (signal: AbortSignal): string => `pull cancelled${signal.reason instanceof Error ? `: ${signal.reason.message}` : typeof signal.reason === 'string' ? `: ${signal.reason}` : ''}`;

/** Rejects once `signal` aborts (never without one); the listener goes with `settled`. */
function whenAborted(signal: AbortSignal | undefined, settled: Promise<unknown>): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal === undefined) return;
    const onAbort = (): void => reject(new CpmError('ERR_PULL_CANCELLED', cancelMessage(signal)));
    if (signal.aborted) { onAbort(); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
  });
}

interface SessionState {
  dialog: Dialog | undefined;
  /** Our last offer the peer answered 2xx: a re-offer is built from it. */
  offer: SessionDescription | undefined;
}

async function pullNext(options: PullSessionOptions, state: SessionState, selector: PullSelector): Promise<PullResult> {
  const log = options.log;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let writer: ReceivingWriter | undefined;
  let session: MsrpSession | undefined;
  try {
    writer = await ReceivingWriter.create({
      folder: options.dir,
      offeredName: selector.name ?? 'pulled-file',
      ...(selector.size !== undefined ? { expectedSize: selector.size } : {}),
    });
    const settled = deferred<ReceivedFile>();
    const w = writer;
    let started = false;
    session = options.endpoint.createSession({
      ...(options.maxSize !== undefined ? { maxMessageSize: options.maxSize } : {}),
      delegate: {
        onMessageStart: (info) => {
          // RFC 5547 §8: one file per m-line and transfer; a second message is refused.
          if (started) return { reject: 403, comment: 'one file per transfer' };
          started = true;
          return pullSink(w, info.size, selector, settled);
        },
        onClose: (error) => settled.reject(new CpmError('ERR_PULL_CONNECTION', `MSRP connection closed: ${error.message}`)),
      },
    });
    const transferId = newFileTransferId();
    const media = buildPullMedia(selector, transferId, [session.localPathText], options.endpoint.port, options.maxSize);
    const exchanged = await exchange(options, state, media);
    if (!exchanged.ok) return exchanged.failure;
    const { offer, answer } = exchanged;
    log?.({ kind: 'file', event: 'pull', target: options.target, selector: formatPullSelector(selector), transferId, reinvite: exchanged.reinvite });
    const negotiated = validateAnswer(offer, answer);
    if (!negotiated.ok) return failed('failed', `unusable answer: ${negotiated.error.message}`);
    const line = negotiated.value[0];
    // RFC 3264 §6 / RFC 5547 §8: port 0, the answerer has no file matching the selector.
    if (line === undefined || !line.accepted) return failed('not-found', `not found: no file matching ${formatPullSelector(selector)}`);
    if (line.direction !== 'sendonly') return failed('failed', `the answer is ${line.direction}, not sendonly`);
    const answered = answer.media[0] as SdpMedia;
    const remote = parseMsrpPath(getPath(answered).join(' '));
    if (!remote.ok) return failed('failed', `bad a=path in the answer: ${remote.error.message}`);
    session.setRemotePath(remote.value);
    if (line.connectingParty === 'offerer') await session.connect();
    log?.({ kind: 'file', event: 'pull-accepted', setup: getSetup(answered, answer), transferId });
    const file = await withTimeout(Promise.race([settled.promise, whenAborted(options.signal, settled.promise)]), timeoutMs, () => new CpmError('ERR_PULL_TIMEOUT', `the file did not arrive within ${timeoutMs} ms`));
    log?.({ kind: 'file', event: 'pulled', path: file.path, size: file.size });
    return { ok: true, path: file.path, size: file.size, hash: file.hash.digest };
  } catch (error) {
    if (error instanceof CpmError && error.code === 'ERR_PULL_CANCELLED') return failed('cancelled', error.message);
    return failed('failed', error instanceof Error ? error.message : String(error));
  } finally {
    await writer?.abort().catch(() => undefined);
    session?.close();
  }
}

type Exchange =
  | { readonly ok: true; readonly offer: SessionDescription; readonly answer: SessionDescription; readonly reinvite: boolean }
  | { readonly ok: false; readonly failure: Failure };

/** Offers `media` on m-line 0: by INVITE without a session, else by a re-INVITE reusing the m-line. */
async function exchange(options: PullSessionOptions, state: SessionState, media: SdpMedia): Promise<Exchange> {
  const { headers } = cpmInviteHeaders({ icsi: cpmIcsi.fileTransfer });
  let offer: SessionDescription;
  let response: SipResponse;
  const reinvite = state.dialog !== undefined && state.offer !== undefined;
  if (state.dialog === undefined || state.offer === undefined) {
    offer = buildSessionOffer(options.endpoint.host, [media]);
    const pending = options.ua.invite(options.target, { body: serializeSessionDescription(offer), contentType: 'application/sdp', headers });
    // A pull cancelled while the INVITE waits for its answer sends CANCEL (RFC 3261 §9.1); a 2xx
    // that crosses it is ACKed and ended by the user agent, so no dialog is left behind.
    const cancel = (): void => pending.cancel('pull cancelled');
    options.signal?.addEventListener('abort', cancel, { once: true });
    const result = await Promise.race([pending, whenAborted(options.signal, pending)]).finally(() => options.signal?.removeEventListener('abort', cancel));
    if (result.kind === 'rejected') {
      const { status, reason } = result.response;
      return { ok: false, failure: failed(status === 404 ? 'not-found' : 'rejected', `the pull was refused: ${status} ${reason}`, status) };
    }
    state.dialog = result.dialog;
    response = result.response;
  } else {
    // Every m-line the session has keeps its place (RFC 3264 §8); m-line 0 carries the new file.
    const slots = state.offer.media.map((_, index) => (index === 0
      ? { kind: 'replace' as const, attributes: media.attributes, port: media.port, proto: media.proto }
      : { kind: 'close' as const }));
    const reoffer = buildReoffer(state.offer, slots);
    if (!reoffer.ok) return { ok: false, failure: failed('failed', reoffer.error.message) };
    offer = reoffer.value;
    // A re-INVITE still unanswered when the pull is cancelled is not waited for: the BYE that ends
    // the session settles it (RFC 3261 §15: a BYE may be sent while a re-INVITE is pending).
    const reinviting = options.ua.reinvite(state.dialog, serializeSessionDescription(offer), 'application/sdp');
    response = (await Promise.race([reinviting, whenAborted(options.signal, reinviting)])).response;
    if (response.status >= 300) {
      // RFC 3261 §14.1: a refused re-INVITE changes nothing; the session and its last offer stay.
      return { ok: false, failure: failed('rejected', `the re-INVITE for the next file was refused: ${response.status} ${response.reason}`, response.status) };
    }
  }
  const answer = answerOf(response);
  if (answer === undefined) return { ok: false, failure: failed('failed', 'the answer has no readable SDP') };
  state.offer = offer;
  return { ok: true, offer, answer, reinvite };
}
