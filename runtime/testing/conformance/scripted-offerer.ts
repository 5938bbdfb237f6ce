// A scripted offerer for the receiving side's conformance scenarios: a SIP user agent on a loopback
// UDP transport and an MSRP endpoint that send hand-built RFC 5547 offers (push, pull, re-offers,
// and offers the rules must refuse) to the real receiver or file server, record every SIP message
// in a WireRecord, and push or pull files over MSRP. It does not check the answer; the
// expectations (expect-answer.ts) judge what came back.
import { randomBytes } from 'node:crypto';
import type { CpmError } from '../../errors.ts';
import { MsrpEndpoint } from '../../msrp/msrp-endpoint.ts';
import type { MsrpSession } from '../../msrp/msrp-session.ts';
import { parseMsrpPath } from '../../msrp/msrp-uri.ts';
import { fileAttributeCodecs } from '../../sdp/file-attribute-codecs.ts';
import { getPath } from '../../sdp/msrp-attributes.ts';
import { parseSessionDescription } from '../../sdp/parse-session-description.ts';
import type { SessionDescription } from '../../sdp/session-description.ts';
import type { Dialog } from '../../sip/dialog/dialog.ts';
import type { SipResponse } from '../../sip/syntax/sip-message.ts';
import { createUdpTransport } from '../../sip/transport/udp-transport.ts';
import type { SipTransport } from '../../sip/transport/sip-transport.ts';
import { createUserAgent } from '../../sip/user-agent.ts';
import type { UserAgent } from '../../sip/user-agent-types.ts';
import type { FileHash } from '../../sdp/file-attribute-codecs.ts';
import type { PreparedFile } from '../../transfer/file-offer.ts';
import { sendFileOverMsrp } from '../../transfer/send-file-over-msrp.ts';
import type { OfferedMline, PushAttempt } from './answerer-outcome.ts';
import { sipEntryOf, WireRecord } from './wire-record.ts';

/** How m-line 0 of an offer is written. */
export interface MlineOffer {
  readonly direction: 'sendonly' | 'recvonly' | 'sendrecv';
  readonly port: number;
  readonly name: string;
  /** The MIME type part of the selector; a pull leaves it out (it would have to match the served file's). */
  readonly type: string | undefined;
  readonly size: number | undefined;
  readonly hash: FileHash | undefined;
  readonly transferId: string;
  /** Our MSRP path for the m-line. */
  readonly path: string;
}

/** The selector text of an offer: name always, size and hash when given (RFC 5547 §6 syntax). */
export function selectorOf(offer: Pick<MlineOffer, 'name' | 'type' | 'size' | 'hash'>): string {
  const parts = [`name:${fileAttributeCodecs['quoted-string'].format(offer.name)}`];
  if (offer.type !== undefined) parts.push(`type:${offer.type}`);
  if (offer.size !== undefined) parts.push(`size:${offer.size}`);
  if (offer.hash !== undefined) parts.push(`hash:${fileAttributeCodecs.hash.format(offer.hash)}`);
  return parts.join(' ');
}

/** One m=message line offering (or asking for) one file, in a session description of version `version`. */
export function offerSdp(mline: MlineOffer, version: number): string {
  return [
    'v=0',
    `o=- 4711 ${version} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=message ${mline.port} TCP/MSRP *`,
    `a=${mline.direction}`,
    'a=accept-types:*',
    `a=path:${mline.path}`,
    `a=file-selector:${selectorOf(mline)}`,
    `a=file-transfer-id:${mline.transferId}`,
    '',
  ].join('\r\n');
}

export const newTransferId = (): string => randomBytes(8).toString('hex');

export function describeOffer(mline: MlineOffer): OfferedMline {
  return { name: mline.name, size: mline.size ?? 0, selector: selectorOf(mline), transferId: mline.transferId };
}

/** The SDP answer of a 2xx, parsed; undefined when there is none or it does not parse. */
export function answerOf(response: SipResponse): SessionDescription | undefined {
  if (response.body.length === 0) return undefined;
  const parsed = parseSessionDescription(response.body.toString('utf8'));
  return parsed.ok ? parsed.value : undefined;
}

export class ScriptedOfferer {
  readonly record = new WireRecord();
  readonly endpoint: MsrpEndpoint;
  readonly ua: UserAgent;
  readonly #transport: SipTransport;
  readonly #sessions: MsrpSession[] = [];

  private constructor(transport: SipTransport, endpoint: MsrpEndpoint) {
    this.#transport = transport;
    this.endpoint = endpoint;
    this.ua = createUserAgent({
      transports: [transport],
      localUri: 'sip:alice@127.0.0.1',
      userAgent: 'cpm-ft scripted offerer',
      logger: (event) => {
        if (event.kind !== 'message') return;
        this.record.add(sipEntryOf(event.message, event.direction === 'sent' ? 'sender' : 'peer'));
      },
    });
  }

  static async create(): Promise<ScriptedOfferer> {
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1' });
    return new ScriptedOfferer(transport, endpoint);
  }

  /** A new MSRP session of ours; `sink` collects what the answerer sends on it (a pull). */
  session(sink?: { write(position: number, data: Buffer): void; end(flag: '$' | '#'): void }): MsrpSession {
    const session = this.endpoint.createSession({
      delegate: sink === undefined ? { onMessageStart: () => ({ reject: 403, comment: 'the scripted offerer only sends here' }) } : { onMessageStart: () => sink },
    });
    this.#sessions.push(session);
    return session;
  }

  /**
   * Connects `session` to the path the answer gave m-line 0 and pushes `file` as one MSRP message;
   * a refusal (an MSRP error status, the connection closing) is an outcome, not an error.
   */
  async push(session: MsrpSession, answer: SessionDescription, file: PreparedFile, which: PushAttempt['session']): Promise<PushAttempt> {
    if (!(await this.connect(session, answer))) return { name: file.name, session: which, outcome: 'refused', status: undefined };
    const closeWatch: { onClose?: ((error: CpmError) => void) | undefined } = {};
    const outcome = await sendFileOverMsrp(session, file, {
      watch: {},
      chunkSize: 4096,
      successReport: false,
      waitTimeoutMs: 3000,
      closeWatch,
      aborted: () => false,
      onProgress: () => undefined,
    });
    return outcome.kind === 'delivered'
      ? { name: file.name, session: which, outcome: 'delivered', status: undefined }
      : { name: file.name, session: which, outcome: 'refused', status: outcome.failure.status };
  }

  /**
   * RFC 4975 §5.4 / RFC 6135: the offer carries no a=setup, so we (the offerer) open the connection
   * to the path the answer gave m-line 0; false when there is no usable path or it cannot be reached.
   */
  async connect(session: MsrpSession, answer: SessionDescription): Promise<boolean> {
    if (session.remotePath !== undefined) return true;
    const media = answer.media[0];
    const path = media === undefined ? undefined : parseMsrpPath(getPath(media).join(' '));
    if (path === undefined || !path.ok) return false;
    try {
      session.setRemotePath(path.value);
      await session.connect();
      return true;
    } catch {
      return false;
    }
  }

  async bye(dialog: Dialog | undefined): Promise<void> {
    if (dialog === undefined || dialog.state === 'terminated') return;
    await this.ua.bye(dialog).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const s of this.#sessions) s.close();
    this.ua.close();
    await this.#transport.close();
    await this.endpoint.close();
  }
}
