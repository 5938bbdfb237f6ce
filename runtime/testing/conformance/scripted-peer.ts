// A scripted remote party for wire-level conformance tests: a SIP user agent on a loopback
// transport (port 0) plus a raw MSRP endpoint. It answers INVITEs and re-INVITEs with RFC 5547
// answers (or rejects what the script says), answers SENDs and sends REPORTs as scripted, and
// records every SIP and MSRP message in both directions in one sequence-numbered WireRecord.
import { randomInt } from 'node:crypto';
import type { SdpOrigin, SessionDescription } from '../../sdp/session-description.ts';
import { parseSessionDescription } from '../../sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../../sdp/serialize-session-description.ts';
import { buildAnswer, classifyReofferedMedia, type MediaDecision } from '../../sdp/offer-answer.ts';
import { getFileSelector, getFileTransferId, getPath, getSetup } from '../../sdp/msrp-attributes.ts';
import { parseSelectorParts, fileAttributeCodecs } from '../../sdp/file-attribute-codecs.ts';
import { parseMultipart } from '../../sip/syntax/multipart.ts';
import type { SipRequest } from '../../sip/syntax/sip-message.ts';
import { createUserAgent } from '../../sip/user-agent.ts';
import type { IncomingInvite, UserAgent } from '../../sip/user-agent-types.ts';
import type { SipTransport } from '../../sip/transport/sip-transport.ts';
import { createUdpTransport } from '../../sip/transport/udp-transport.ts';
import { createTcpTransport } from '../../sip/transport/stream-transport.ts';
import type { Dialog } from '../../sip/dialog/dialog.ts';
import { ScriptedMsrpEndpoint, type MsrpPeerScript, type PeerMsrpSlot } from './scripted-msrp-endpoint.ts';
import { sipEntryOf, WireRecord } from './wire-record.ts';

export interface ScriptedPeerScript extends MsrpPeerScript {
  /** Answer every initial INVITE with this final status instead of accepting it. */
  readonly inviteStatus?: number;
  /** Answer every re-INVITE with this final status instead of accepting it. */
  readonly reinviteStatus?: number;
  /** Refuse these files: their m-lines are answered with port 0. */
  readonly rejectFiles?: readonly string[];
  /** Accept these files but leave the offer's file-selector out of their answer m-lines (against RFC 5547 §8). */
  readonly omitSelectorEcho?: readonly string[];
}

export interface ScriptedPeerOptions {
  /** SIP transport the peer listens on; default UDP. */
  readonly transport?: 'UDP' | 'TCP';
  readonly script?: ScriptedPeerScript;
  /**
   * Its product name in User-Agent and Server; default `cpm-ft-scripted-peer`. A sender tunes its
   * data path toward a `cpm-ft` receiver (runtime/transfer/peer-data-path.ts), so `cpm-ft` here
   * makes a sender with the default peer tuning run its tuned path against this peer.
   */
  readonly product?: string;
}

export interface ScriptedPeer {
  readonly record: WireRecord;
  /** Where to send: one recipient (CPM 1-1), a conference factory (ad-hoc group), a pre-defined group URI. */
  readonly uris: { readonly recipient: string; readonly factory: string; readonly group: string };
  readonly sip: { readonly host: string; readonly port: number; readonly transport: 'UDP' | 'TCP' };
  readonly msrpPort: number;
  /** Replaces the script for every message from now on. */
  setScript(script: ScriptedPeerScript): void;
  /** Resolves once the MSRP side holds a connection (script holdAfterFirstChunk). */
  whenMsrpHeld(): Promise<void>;
  /** Reads the held MSRP connection again. */
  resumeMsrp(): void;
  /** The peer's MSRP sessions, one per accepted file m-line. */
  slots(): readonly PeerMsrpSlot[];
  close(): Promise<void>;
}

/** The name a file-selector gives its file, decoded; undefined without one. */
export function selectorFileName(selector: string | undefined): string | undefined {
  if (selector === undefined) return undefined;
  const parts = parseSelectorParts(selector);
  const raw = parts.ok ? parts.value.get('name') : undefined;
  if (raw === undefined) return undefined;
  const decoded = fileAttributeCodecs['quoted-string'].parse(raw);
  return decoded.ok ? decoded.value : raw;
}

/** The SDP offer of a request: the body itself, or its application/sdp part (RFC 5366 multipart). */
function offerOf(request: SipRequest): SessionDescription | undefined {
  const contentType = request.headers.get('Content-Type') ?? '';
  let text: string | undefined;
  if (/^\s*multipart\//i.test(contentType)) {
    const parts = parseMultipart(request.body, contentType);
    const sdp = parts.ok ? parts.value.find((p) => /^\s*application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
    text = sdp?.body.toString('utf8');
  } else if (/^\s*application\/sdp/i.test(contentType)) {
    text = request.body.toString('utf8');
  }
  if (text === undefined) return undefined;
  const parsed = parseSessionDescription(text);
  return parsed.ok ? parsed.value : undefined;
}

export async function createScriptedPeer(options: ScriptedPeerOptions = {}): Promise<ScriptedPeer> {
  const record = new WireRecord();
  let script: ScriptedPeerScript = options.script ?? {};
  const protocol = options.transport ?? 'UDP';
  const msrp = await ScriptedMsrpEndpoint.create(record, script);
  const transport: SipTransport = protocol === 'UDP' ? await createUdpTransport({ host: '127.0.0.1', port: 0 }) : await createTcpTransport({ host: '127.0.0.1', port: 0 });
  const origin: SdpOrigin = { username: '-', sessionId: String(randomInt(1, 2 ** 47)), sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '127.0.0.1' };
  /** Per dialog: the last offer and the slot each m-line carries, for re-offers. */
  const sessions = new WeakMap<Dialog, { offer: SessionDescription; slots: (PeerMsrpSlot | undefined)[] }>();
  const pendingActive: PeerMsrpSlot[] = [];

  const answer = (incoming: IncomingInvite, dialog: Dialog | undefined): void => {
    const offer = offerOf(incoming.request);
    if (offer === undefined) {
      // RFC 3261 §13.3.1 / RFC 3264 §5: without an offer we cannot answer with a file session.
      incoming.reject(488, 'Not Acceptable Here (no SDP offer)');
      return;
    }
    const previous = dialog === undefined ? undefined : sessions.get(dialog);
    const slots: (PeerMsrpSlot | undefined)[] = [];
    const decisions: MediaDecision[] = offer.media.map((media, index): MediaDecision => {
      // RFC 3264 §8.2: an m-line offered with port 0 is closed and stays at port 0.
      if (media.port === 0) {
        slots.push(undefined);
        return { kind: 'reject' };
      }
      const before = previous?.offer.media[index];
      const kept = previous?.slots[index];
      // RFC 5547 §8.4: an m-line whose transfer id did not change goes on with the same MSRP session.
      if (before !== undefined && kept !== undefined && classifyReofferedMedia(before, media) === 'unchanged') {
        slots.push(kept);
        return { kind: 'accept', port: msrp.port, path: [kept.uri], setup: 'passive' };
      }
      const name = selectorFileName(getFileSelector(media)) ?? '';
      if ((script.rejectFiles ?? []).includes(name)) {
        slots.push(undefined);
        return { kind: 'reject' };
      }
      const slot = msrp.openSlot({ name, fileTransferId: getFileTransferId(media) ?? '' }, getPath(media));
      slots.push(slot);
      const echo = (script.omitSelectorEcho ?? []).includes(name) ? { echo: { fileSelector: false, fileTransferId: true } } : {};
      // RFC 6135 §4: we stay passive (listen) unless the offerer insists on being passive itself,
      // in which case we connect once the answer is sent.
      const offeredSetup = getSetup(media, offer);
      if (offeredSetup === 'passive') {
        pendingActive.push(slot);
        return { kind: 'accept', port: msrp.port, path: [slot.uri], setup: 'active', ...echo };
      }
      return { kind: 'accept', port: msrp.port, path: [slot.uri], ...(offeredSetup === undefined ? {} : { setup: 'passive' as const }), ...echo };
    });
    origin.sessionVersion = String(Number(origin.sessionVersion) + 1);
    const built = buildAnswer(offer, { origin: { ...origin }, connection: { netType: 'IN', addrType: 'IP4', address: '127.0.0.1' }, decisions });
    if (!built.ok) {
      incoming.reject(488, 'Not Acceptable Here');
      return;
    }
    const confirmed = incoming.accept(serializeSessionDescription(built.value), 'application/sdp');
    sessions.set(confirmed, { offer, slots });
    for (const slot of pendingActive.splice(0)) void msrp.connectTo(slot).catch(() => {});
  };

  const ua: UserAgent = createUserAgent({
    transports: [transport],
    localUri: 'sip:peer@127.0.0.1',
    // By default its own product name: a scripted peer is not a cpm-ft receiver, so the sender's
    // data-path tuning for cpm-ft peers (runtime/transfer/peer-data-path.ts) does not apply to it.
    userAgent: options.product ?? 'cpm-ft-scripted-peer',
    // RFC 5366 §4: a conference factory that understands recipient lists supports this option tag.
    supported: ['recipient-list-invite'],
    logger: (event) => {
      if (event.kind !== 'message') return;
      record.add(sipEntryOf(event.message, event.direction === 'sent' ? 'peer' : 'sender'));
    },
    delegate: {
      onInvite(incoming) {
        if (script.inviteStatus !== undefined) incoming.reject(script.inviteStatus);
        else answer(incoming, undefined);
      },
      onReinvite(dialog, incoming) {
        if (script.reinviteStatus !== undefined) incoming.reject(script.reinviteStatus);
        else answer(incoming, dialog);
      },
    },
  });

  const host = transport.local.host;
  const port = transport.local.port;
  const suffix = protocol === 'TCP' ? ';transport=tcp' : '';
  return {
    record,
    uris: {
      recipient: `sip:bob@${host}:${port}${suffix}`,
      factory: `sip:conference-factory@${host}:${port}${suffix}`,
      group: `sip:group-friends@${host}:${port}${suffix}`,
    },
    sip: { host, port, transport: protocol },
    msrpPort: msrp.port,
    setScript(next) {
      script = next;
      msrp.script = next;
    },
    slots: () => msrp.slots(),
    whenMsrpHeld: () => msrp.whenHeld(),
    resumeMsrp: () => msrp.resumeReading(),
    async close() {
      ua.close();
      await transport.close();
      await msrp.close();
    },
  };
}
