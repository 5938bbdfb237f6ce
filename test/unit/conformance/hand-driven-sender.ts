// A sender played by hand for the harness's own tests: a SIP UA and a raw MSRP socket that do
// exactly what a test says, so the scripted peer and the wire expectations are tested without the
// real sending client.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseMsrpUri } from '../../../runtime/msrp/msrp-uri.ts';
import { serializeRequest } from '../../../runtime/msrp/syntax/msrp-serializer.ts';
import { parseSessionDescription } from '../../../runtime/sdp/parse-session-description.ts';
import { getPath } from '../../../runtime/sdp/msrp-attributes.ts';
import { cpmContactParams, cpmInviteHeaders } from '../../../runtime/sip/cpm-headers.ts';
import { buildMultipart } from '../../../runtime/sip/syntax/multipart.ts';
import { SipHeaders } from '../../../runtime/sip/syntax/sip-headers.ts';
import { createUdpTransport } from '../../../runtime/sip/transport/udp-transport.ts';
import { createUserAgent } from '../../../runtime/sip/user-agent.ts';
import type { Dialog } from '../../../runtime/sip/dialog/dialog.ts';
import type { SipTransport } from '../../../runtime/sip/transport/sip-transport.ts';
import type { UserAgent } from '../../../runtime/sip/user-agent-types.ts';
import type { ScriptedPeer } from '../../../runtime/testing/conformance/scripted-peer.ts';

export interface HandFile {
  readonly name: string;
  readonly size: number;
  /** Overrides the m-line's file-selector text. */
  readonly selector?: string;
}

export const hashOf = (seed: number): string => Array.from({ length: 20 }, (_, i) => ((seed * 7 + i * 13) % 256).toString(16).toUpperCase().padStart(2, '0')).join(':');

export function fileMline(file: HandFile, transferId: string, index: number, port = 9): string {
  const selector = file.selector ?? `name:"${file.name}" type:text/plain size:${file.size} hash:sha-1:${hashOf(file.size)}`;
  return [
    `m=message ${port} TCP/MSRP *`,
    'a=accept-types:text/plain',
    `a=path:msrp://127.0.0.1:9/hand${index}x${transferId};tcp`,
    'a=setup:actpass',
    `a=file-selector:${selector}`,
    `a=file-transfer-id:${transferId}`,
    'a=sendonly',
  ].join('\r\n');
}

export function offer(mlines: readonly string[], version = 1): string {
  return ['v=0', `o=- 42 ${version} IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...mlines, ''].join('\r\n');
}

/** The hand sender: one UA and one MSRP connection to the peer, shared by every m-line. */
export class HandSender {
  readonly ua: UserAgent;
  readonly #transport: SipTransport;
  readonly #peer: ScriptedPeer;
  #socket: Socket | undefined;
  dialog: Dialog | undefined;
  /** Peer a=path per m-line of the last answer. */
  answerPaths: string[][] = [];

  private constructor(transport: SipTransport, peer: ScriptedPeer) {
    this.#transport = transport;
    this.#peer = peer;
    this.ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams() });
  }

  static async create(peer: ScriptedPeer): Promise<HandSender> {
    return new HandSender(await createUdpTransport({ host: '127.0.0.1', port: 0 }), peer);
  }

  /** Sends the INVITE; resolves with its final status. `recipients` makes it an RFC 5366 list INVITE. */
  async invite(target: string, sdp: string, recipients?: readonly string[]): Promise<number> {
    const headers = cpmInviteHeaders().headers;
    let body: Buffer | string = sdp;
    let contentType = 'application/sdp';
    if (recipients !== undefined) {
      const sdpHeaders = new SipHeaders([{ name: 'Content-Type', value: 'application/sdp' }]);
      const listHeaders = new SipHeaders([{ name: 'Content-Type', value: 'application/resource-lists+xml' }, { name: 'Content-Disposition', value: 'recipient-list' }]);
      const list = `<?xml version="1.0"?><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list>${recipients.map((u) => `<entry uri="${u}"/>`).join('')}</list></resource-lists>`;
      const built = buildMultipart([{ headers: sdpHeaders, body: Buffer.from(sdp) }, { headers: listHeaders, body: Buffer.from(list) }]);
      body = built.body;
      contentType = built.contentType;
      headers.push({ name: 'Require', value: 'recipient-list-invite' });
    }
    const result = await this.ua.invite(target, { body, contentType, headers });
    if (result.kind === 'rejected') return result.response.status;
    this.dialog = result.dialog;
    this.#readAnswer(result.response.body.toString('utf8'));
    return result.response.status;
  }

  async reinvite(sdp: string): Promise<number> {
    if (this.dialog === undefined) throw new Error('no dialog');
    const { response } = await this.ua.reinvite(this.dialog, sdp, 'application/sdp');
    if (response.status === 200) this.#readAnswer(response.body.toString('utf8'));
    return response.status;
  }

  async bye(): Promise<number> {
    if (this.dialog === undefined) throw new Error('no dialog');
    return (await this.ua.bye(this.dialog)).response.status;
  }

  #readAnswer(text: string): void {
    const sd = parseSessionDescription(text);
    if (!sd.ok) throw sd.error;
    this.answerPaths = sd.value.media.map((m) => getPath(m));
  }

  /** Sends a whole file on m-line `index` as one SEND and waits for the peer's response. */
  async sendFile(index: number, size: number, options: { successReport?: boolean } = {}): Promise<void> {
    const to = parseMsrpUri(this.answerPaths[index]?.[0] ?? '');
    if (!to.ok) throw new Error(`m-line ${index} has no peer path`);
    const socket = await this.#connect();
    const tid = randomBytes(6).toString('hex');
    const from = parseMsrpUri(`msrp://127.0.0.1:9/hand${index};tcp`);
    if (!from.ok) throw from.error;
    const before = this.#peer.record.entries.length;
    socket.write(Buffer.concat(serializeRequest({
      transactionId: tid, method: 'SEND', toPath: [to.value], fromPath: [from.value], messageId: `m${tid}`,
      byteRange: { start: 1, end: size, total: size }, ...(options.successReport ? { successReport: 'yes' as const } : {}), contentType: 'text/plain',
    }, [randomBytes(size)])));
    await this.#peer.record.waitFor((e) => e.seq > before && e.protocol === 'msrp' && e.from === 'peer' && e.kind === 'response' && e.transactionId === tid, 2000, `the response to SEND ${tid}`);
    if (options.successReport) await this.#peer.record.waitFor((e) => e.seq > before && e.protocol === 'msrp' && e.method === 'REPORT' && e.messageId === `m${tid}`, 2000, 'the success REPORT');
  }

  async #connect(): Promise<Socket> {
    if (this.#socket !== undefined) return this.#socket;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: this.#peer.msrpPort }, () => resolve(s));
      s.once('error', reject);
    });
    socket.on('error', () => {});
    this.#socket = socket;
    return socket;
  }

  async close(): Promise<void> {
    this.#socket?.destroy();
    this.ua.close();
    await this.#transport.close();
  }
}
