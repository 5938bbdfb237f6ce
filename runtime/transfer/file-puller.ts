// The offering side of an RFC 5547 pull (§8: the offerer is the file receiver): one INVITE with a
// recvonly m=message line carrying the file-selector of the wanted file and a fresh file-transfer-id.
// A sendonly answer means the answerer has the file and sends it over MSRP; port 0 means it has
// none matching. The file is written through ReceivingWriter, so it appears under its final name
// only when complete and matching the selector's size and hash; the session is then released (BYE).
// The session itself (INVITE, re-INVITEs for further files, BYE) is run by pull-session.ts.

import { CpmError } from '../errors.ts';
import { ReceivingWriter, type ReceivedFile } from '../files/receiving-writer.ts';
import { MessageRefusedError, type MessageSink } from '../msrp/incoming-message.ts';
import type { MsrpEndpoint } from '../msrp/msrp-endpoint.ts';
import { setAcceptTypes, setDirection, setPath, setSetup } from '../sdp/msrp-attributes.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import { createMedia, type SdpMedia, type SessionDescription } from '../sdp/session-description.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import type { SipResponse } from '../sip/syntax/sip-message.ts';
import type { UserAgent } from '../sip/user-agent-types.ts';
import { msrpProtoForPath } from './file-offer.ts';
import { formatPullSelector, type PullSelector } from './pull-selector.ts';
import type { TransferLogger } from './transfer-types.ts';
import { pullFiles } from './pull-session.ts';

export interface PullOptions {
  readonly ua: Pick<UserAgent, 'invite' | 'bye' | 'reinvite'>;
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
  /** Aborting it cancels the pull: the file is not taken (its part discarded) and the session released. */
  readonly signal?: AbortSignal;
  readonly log?: TransferLogger;
}

export type PullResult =
  | { readonly ok: true; readonly path: string; readonly size: number; readonly hash: string }
  | {
      readonly ok: false;
      /** not-found: the answerer rejected the m-line (port 0); rejected: a SIP error response; cancelled: the signal aborted; failed: anything else. */
      readonly reason: 'not-found' | 'rejected' | 'cancelled' | 'failed';
      readonly message: string;
      readonly status?: number;
    };


export function answerOf(response: SipResponse): SessionDescription | undefined {
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

/** Pulls one file in a session of its own; never rejects (see pullFiles for several). */
export async function pullFile(options: PullOptions): Promise<PullResult> {
  const { selector, ...rest } = options;
  const [result] = await pullFiles({ ...rest, selectors: [selector] });
  return result ?? { ok: false, reason: 'failed', message: 'no pull was made' };
}

/** Writes the one message of the pull, then checks it against the selector's size and hash. */
export function pullSink(writer: ReceivingWriter, announced: number | undefined, selector: PullSelector, settled: Deferred<ReceivedFile>): MessageSink {
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

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  // Rejections are read by the await in pullFile, or not at all when the pull ended first.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

