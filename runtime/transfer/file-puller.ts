// The offering side of an RFC 5547 pull (§8: the offerer is the file receiver): one INVITE with a
// recvonly m=message line carrying the file-selector of the wanted file and a fresh file-transfer-id.
// A sendonly answer means the answerer has the file and sends it over MSRP; port 0 means it has
// none matching. The file is written through ReceivingWriter, so it appears under its final name
// only when complete and matching the selector's size and hash; the session is then released (BYE).

import { CpmError } from '../errors.ts';
import { ReceivingWriter, type ReceivedFile } from '../files/receiving-writer.ts';
import { MessageRefusedError, type MessageSink } from '../msrp/incoming-message.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import type { MsrpSession } from '../msrp/msrp-session.ts';
import { parseMsrpPath } from '../msrp/msrp-uri.ts';
import { getPath, getSetup, setAcceptTypes, setDirection, setPath, setSetup } from '../sdp/msrp-attributes.ts';
import { validateAnswer } from '../sdp/offer-answer.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../sdp/serialize-session-description.ts';
import { createMedia, type SdpMedia, type SessionDescription } from '../sdp/session-description.ts';
import { cpmIcsi, cpmInviteHeaders } from '../sip/cpm-headers.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import type { SipResponse } from '../sip/syntax/sip-message.ts';
import type { UserAgent } from '../sip/user-agent-types.ts';
import { buildSessionOffer, msrpProtoForPath, newFileTransferId } from './file-offer.ts';
import { formatPullSelector, type PullSelector } from './pull-selector.ts';
import type { TransferLogger } from './transfer-types.ts';

export interface PullOptions {
  readonly ua: Pick<UserAgent, 'invite' | 'bye'>;
  readonly endpoint: MsrpEndpoint;
  /** SIP URI of the party that has the file. */
  readonly target: string;
  readonly selector: PullSelector;
  /** Folder the pulled file is published into; nothing is written outside it. */
  readonly dir: string;
  /** Largest file taken (a=max-size in the offer, MSRP 413 beyond it). */
  readonly maxSize?: number;
  /** Bound on the wait for the answerer's connection and for the whole file (default 60 s). */
  readonly timeoutMs?: number;
  readonly log?: TransferLogger;
}

export type PullResult =
  | { readonly ok: true; readonly path: string; readonly size: number; readonly hash: string }
  | {
      readonly ok: false;
      /** not-found: the answerer rejected the m-line (port 0); rejected: a SIP error response; failed: anything else. */
      readonly reason: 'not-found' | 'rejected' | 'failed';
      readonly message: string;
      readonly status?: number;
    };

const DEFAULT_TIMEOUT_MS = 60_000;

function answerOf(response: SipResponse): SessionDescription | undefined {
  const type = (response.headers.get('Content-Type') ?? '').trim();
  let body = response.body;
  if (/^multipart\//i.test(type)) {
    const parts = parseMultipart(body, type);
    const sdp = parts.ok ? parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
    if (sdp === undefined) return undefined;
    body = sdp.body;
  }
  const parsed = parseSessionDescription(body.toString('utf8'), 'sdp answer');
  return parsed.ok ? parsed.value : undefined;
}

/** The recvonly m-line of a pull (RFC 5547 §8): selector, transfer id, our path, setup:actpass. */
export function buildPullMedia(selector: PullSelector, transferId: string, path: readonly string[], port: number, maxSize?: number): SdpMedia {
  const media = createMedia({ media: 'message', port, proto: msrpProtoForPath(path), formats: ['*'] });
  // RFC 4975 §8.1: what we accept; the selector's type when known, else anything.
  setAcceptTypes(media, [selector.type ?? '*']);
  setPath(media, path);
  // RFC 6135 §4: actpass lets the answerer (the file sender) choose who connects.
  setSetup(media, 'actpass');
  if (maxSize !== undefined) media.attributes.push({ name: 'max-size', value: String(maxSize) });
  media.attributes.push({ name: 'file-selector', value: formatPullSelector(selector) });
  media.attributes.push({ name: 'file-transfer-id', value: transferId });
  setDirection(media, 'recvonly');
  return media;
}

/** Pulls one file; never rejects (every failure is a PullResult with a reason). */
export async function pullFile(options: PullOptions): Promise<PullResult> {
  const log = options.log;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const selector = options.selector;
  let writer: ReceivingWriter | undefined;
  let session: MsrpSession | undefined;
  let dialog: Dialog | undefined;
  const failed = (reason: 'not-found' | 'rejected' | 'failed', message: string, status?: number): PullResult =>
    ({ ok: false, reason, message, ...(status !== undefined ? { status } : {}) });
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
          // RFC 5547 §8: one file per m-line; a second message is refused.
          if (started) return { reject: 403, comment: 'one file per session' };
          started = true;
          return pullSink(w, info.size, selector, settled);
        },
        onClose: (error) => settled.reject(new CpmError('ERR_PULL_CONNECTION', `MSRP connection closed: ${error.message}`)),
      },
    });
    const transferId = newFileTransferId();
    const offer = buildSessionOffer(options.endpoint.host, [buildPullMedia(selector, transferId, [session.localPathText], options.endpoint.port, options.maxSize)]);
    const { headers } = cpmInviteHeaders({ icsi: cpmIcsi.fileTransfer });
    log?.({ kind: 'file', event: 'pull', target: options.target, selector: formatPullSelector(selector), transferId });
    const result = await options.ua.invite(options.target, { body: serializeSessionDescription(offer), contentType: 'application/sdp', headers });
    if (result.kind === 'rejected') {
      const { status, reason } = result.response;
      return failed(status === 404 ? 'not-found' : 'rejected', `the pull was refused: ${status} ${reason}`, status);
    }
    dialog = result.dialog;
    const answer = answerOf(result.response);
    if (answer === undefined) return failed('failed', 'the answer has no readable SDP');
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
    const file = await withTimeout(settled.promise, timeoutMs, `the file did not arrive within ${timeoutMs} ms`);
    log?.({ kind: 'file', event: 'pulled', path: file.path, size: file.size });
    return { ok: true, path: file.path, size: file.size, hash: file.hash.digest };
  } catch (error) {
    return failed('failed', error instanceof Error ? error.message : String(error));
  } finally {
    await writer?.abort().catch(() => undefined);
    // RFC 5547 §8: the file receiver ends the session once it is done with it.
    if (dialog !== undefined) await options.ua.bye(dialog).catch(() => undefined);
    session?.close();
  }
}

/** Writes the one message of the pull, then checks it against the selector's size and hash. */
function pullSink(writer: ReceivingWriter, announced: number | undefined, selector: PullSelector, settled: Deferred<ReceivedFile>): MessageSink {
  let received = 0;
  let finished: Promise<void> | undefined;
  // RFC 5547 §8 / §6: the file must be the one the selector describes; a different size is refused
  // before a byte is stored.
  if (selector.size !== undefined && announced !== undefined && announced !== selector.size) {
    const error = new MessageRefusedError(400, `the file has ${announced} bytes, the selector asked for ${selector.size}`);
    settled.reject(error);
    return { write: () => { throw error; }, end: () => undefined };
  }
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      const size = selector.size ?? announced ?? received;
      const result = await writer.finalize({ size, ...(selector.hash !== undefined ? { hash: selector.hash } : {}) });
      if (!result.ok) {
        settled.reject(result.error);
        throw new MessageRefusedError(400, 'the file does not match the selector');
      }
      settled.resolve(result.value);
    })();
    return finished;
  };
  return {
    write: async (position, data) => {
      await writer.write(data, position);
      received += data.length;
      if (announced !== undefined && received === announced) await finish();
      else if (writer.needsDrain) await writer.drained();
    },
    end: (flag) => {
      if (flag === '#') {
        settled.reject(new CpmError('ERR_PULL_ABORTED', 'the sender aborted the file or the MSRP connection dropped'));
        return;
      }
      return finish();
    },
  };
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  // Rejections are read by the await in pullFile, or not at all when the pull ended first.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new CpmError('ERR_PULL_TIMEOUT', message)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
