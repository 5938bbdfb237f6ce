// One group file-transfer session at the focus: the sender's dialog on one side, one dialog per
// member on the other (CPM 7.4.1.1 / 7.4.1.2, with the focus as a back-to-back user agent), and
// per file m-line an MSRP session from the sender relayed to one MSRP session per member.

import { randomBytes } from 'node:crypto';
import {
  buildAnswer, buildReoffer, classifyReoffer, closeMedia, CpmError, createSessionDescription, type Dialog,
  type DisconnectionMethod, getPath, type IncomingDialogRequest, type IncomingInvite, type IncomingMessageInfo,
  incrementSessionVersion, isMsrpMedia, type MediaDecision, type MessageRejection, type MessageSink,
  type MsrpEndpoint, type MsrpSession, newTransactionId, parseMsrpPath, parseSessionDescription,
  removeAttributes, type ReofferSlot, type SdpMedia, type SdpOrigin, serializeReport,
  serializeSessionDescription, type SessionDescription, type SessionEnd, SessionLifetime, reasonHeaderFor, setPath, setSetup,
  systemClock, type UserAgent, validateAnswer, buildFileInviteBody, type IconBodyPart,
} from '../../runtime/index.ts';
import type { FocusRequest } from './classify-focus-invite.ts';
import { ConferenceNotifier } from './conference-notifier.ts';
import { ConferenceState } from './conference-state.ts';
import type { FocusEvent } from './focus-types.ts';
import { bestMemberFailure } from './best-member-failure.ts';
import { createRelaySink, type RelayOutcome, type RelaySink } from './relay-message-sink.ts';
import { iconPartsFor, iconsToRelay, keepIconAttribute } from './relayed-icons.ts';
import { sdpOfRequest } from './request-sdp.ts';

export interface GroupSessionContext {
  readonly ua: UserAgent;
  readonly msrp: MsrpEndpoint;
  /** Address written in our SDP (c= and o=). */
  readonly host: string;
  readonly legAnswerTimeoutMs: number;
  readonly relayHighWaterMark: number;
  /** Bytes of a file kept for a member still being invited before the sender is paused. */
  readonly waitingMemberBufferBytes: number;
  readonly msrpTransactionTimeoutMs: number;
  /** The sender's MSRP connection must be up this long after its ACK (SessionLifetime). */
  readonly msrpSetupTimeoutMs?: number;
  /** A session without MSRP traffic from the sender this long is ended. */
  readonly idleTimeoutMs?: number;
  readonly emit: (event: FocusEvent) => void;
  /** Called once the session is over, so the focus forgets it. */
  readonly ended: (session: GroupSession) => void;
}

interface Leg {
  readonly member: string;
  dialog: Dialog | undefined;
  /** Our latest offer to this member. */
  offer: SessionDescription | undefined;
  /** Per m-line: our MSRP session towards the member, while that m-line is open. */
  sessions: (MsrpSession | undefined)[];
  /** Per m-line: the member accepted this file. */
  accepted: boolean[];
  /** Per m-line: the a=file-transfer-id of the file our offer to this member carries there. */
  offeredIds: string[];
  /** The member gave its final answer to our INVITE (or it failed). */
  answered: boolean;
  /** That answer's status (200 also when it took no file). */
  status?: number;
  /** Our INVITE while it is unanswered, so the end of the session can CANCEL it. */
  invite: { cancel(reason?: string): void } | undefined;
  ended: boolean;
}

/** Headers of the sender's INVITE that describe the conversation and are kept on every leg. */
const COPIED_HEADERS = ['Accept-Contact', 'P-Preferred-Service', 'Conversation-ID', 'Contribution-ID', 'InReplyTo-Contribution-ID'];

const SDP = 'application/sdp';

const sdpAddrType = (host: string): 'IP4' | 'IP6' => (host.includes(':') ? 'IP6' : 'IP4');

export class GroupSession {
  readonly id = randomBytes(6).toString('hex');
  readonly #ctx: GroupSessionContext;
  readonly #request: FocusRequest;
  #senderOffer: SessionDescription;
  #senderDialog: Dialog | undefined;
  #origin: SdpOrigin;
  #legOrigin: SdpOrigin;
  /** Per m-line: our MSRP session with the sender, while that file is relayed. */
  #inbound: (MsrpSession | undefined)[] = [];
  #legs: Leg[];
  #finished = false;
  /** RFC 4575 state of the members, reported to the originator when it subscribes. */
  readonly #conference: ConferenceState;
  #notifier: ConferenceNotifier | undefined;
  /** Files being relayed (and kept for members still being invited), with their m-line. */
  readonly #relays = new Set<{ readonly index: number; readonly transferId: string; readonly sink: RelaySink }>();
  /** Transfer ids whose data has started: a member accepting one later joins its relay or misses it. */
  readonly #relayed = new Set<string>();
  /** The sender has its answer (200, or the group's failure). */
  #senderAnswered = false;
  /** Ends the session when the sender's MSRP connection fails, never comes, or goes quiet. */
  readonly #lifetime: SessionLifetime;
  /** Files of the sender being relayed now (their MSRP connection may not close yet). */
  #relaying = 0;
  /** RFC 5547 §6: the checked icon of each sender m-line that has one, relayed to the members. */
  #icons: ReadonlyMap<number, IconBodyPart> = new Map();

  constructor(ctx: GroupSessionContext, request: FocusRequest) {
    this.#ctx = ctx;
    this.#request = request;
    this.#senderOffer = request.offer;
    const sessionId = String(Date.now());
    this.#origin = { username: '-', sessionId, sessionVersion: '0', netType: 'IN', addrType: sdpAddrType(ctx.host), address: ctx.host };
    this.#legOrigin = { ...this.#origin, sessionId: `${sessionId}1` };
    this.#legs = request.members.map((member) => ({ member, dialog: undefined, offer: undefined, sessions: [], accepted: [], offeredIds: [], answered: false, invite: undefined, ended: false }));
    this.#conference = new ConferenceState(request.target, request.members);
    this.#lifetime = new SessionLifetime({
      clock: ctx.ua.options.clock ?? systemClock,
      ...(ctx.msrpSetupTimeoutMs !== undefined ? { setupTimeoutMs: ctx.msrpSetupTimeoutMs } : {}),
      ...(ctx.idleTimeoutMs !== undefined ? { idleTimeoutMs: ctx.idleTimeoutMs } : {}),
      busy: () => this.#relaying > 0,
      onEnd: (end) => void this.#finish(end.text, end),
    });
  }

  /** The sender's ACK: its MSRP connections must now come up within the set-up time. */
  ack(): void {
    if (this.#inbound.some((s) => s !== undefined && s.connection === undefined)) this.#lifetime.expectConnection();
    else this.#lifetime.activity();
  }

  /**
   * RFC 4575 §3 / RFC 6665 §4.5.2: the originator subscribes to the conference state inside its
   * INVITE dialog (the caller matched the dialog, so only the originator gets here).
   */
  subscribe(incoming: IncomingDialogRequest): void {
    const dialog = this.#senderDialog;
    if (dialog === undefined || this.#finished) {
      incoming.respond(481, 'Subscription Does Not Exist');
      return;
    }
    this.#notifier ??= new ConferenceNotifier(this.#ctx.ua, dialog, (active) => this.#conference.snapshot(active));
    this.#notifier.subscribe(incoming);
  }

  /** The a=file-transfer-id of the sender's m-line (RFC 5547 §10), naming the file in reports. */
  #transferId(index: number): string {
    const attr = this.#senderOffer.media[index]?.attributes.find((a) => a.name === 'file-transfer-id');
    return typeof attr?.value === 'string' && attr.value !== '' ? attr.value : `m${index}`;
  }

  get senderDialog(): Dialog | undefined { return this.#senderDialog; }
  ownsLegDialog(dialog: Dialog): boolean { return this.#legs.some((l) => l.dialog === dialog); }

  // -------------------------------------------------------------------------------------------
  // Set-up.

  /**
   * Invites every member in parallel and answers the sender as soon as one member has taken a
   * file, with the files taken so far; members answering later join the session as they come.
   * When no member takes any file, the sender gets the group's failure once every member has
   * answered (bestMemberFailure).
   */
  async start(incoming: IncomingInvite): Promise<void> {
    const { emit } = this.#ctx;
    emit({ type: 'session-started', session: this.id, kind: this.#request.kind, target: this.#request.target, originator: this.#request.originator, members: this.#request.members });
    const offer = this.#senderOffer;
    this.#takeIcons(incoming, offer.media.map((_m, i) => i));
    const answered = new Promise<void>((resolve) => {
      let left = this.#legs.length;
      for (const leg of this.#legs) {
        void this.#inviteLeg(leg, incoming, offer).then(async (joined) => {
          left -= 1;
          if (this.#senderAnswered) {
            if (joined) this.#lateJoin(leg);
          } else if (joined || left === 0) {
            await this.#answerSender(incoming, offer);
          }
          if (left === 0) resolve();
        });
      }
    });
    await answered;
  }

  /** The sender's answer: 200 with the files the members have taken so far, or the group's failure. */
  async #answerSender(incoming: IncomingInvite, offer: SessionDescription): Promise<void> {
    const { emit } = this.#ctx;
    this.#senderAnswered = true;
    if (incoming.cancelled) {
      await this.#finish('cancelled by the sender');
      return;
    }
    const acceptedMedia = offer.media.map((_m, i) => this.#legs.some((l) => l.accepted[i] === true)).flatMap((yes, i) => (yes ? [i] : []));
    if (acceptedMedia.length === 0) {
      // CPM 7.4.1.x / RFC 5366 §5: the focus answers for the group; when no member took any
      // file, the sender learns it from the final response, the members' best refusal.
      const failure = bestMemberFailure(this.#legs.map((l) => ({ member: l.member, status: l.status ?? 480 })));
      incoming.reject(failure.status, failure.reason, [
        { name: 'Warning', value: `399 ${this.#ctx.host} "no member accepted the files (${this.#legs.map((l) => `${l.member}: ${l.status ?? 480}`).join(', ')})"` },
      ]);
      emit({ type: 'session-answered', session: this.id, status: failure.status, acceptedMedia: [] });
      await this.#finish(`rejected with ${failure.status}`);
      return;
    }
    const decisions = offer.media.map((media, i) => this.#openInbound(media, i, acceptedMedia.includes(i)));
    const answer = this.#answer(offer, decisions);
    if (answer === undefined) {
      incoming.reject(500, 'Server Internal Error');
      await this.#finish('could not build the answer');
      return;
    }
    this.#senderDialog = incoming.accept(serializeSessionDescription(answer), SDP);
    this.#lifetime.activity();
    emit({ type: 'session-answered', session: this.id, status: 200, acceptedMedia });
    for (const i of acceptedMedia) this.#connectInbound(offer.media[i], i);
  }

  /**
   * A member that accepted after the sender was answered. Each file it took joins that file's
   * relay (it gets the bytes kept for it, then the rest), or is relayed to it when the data starts;
   * a file the sender's session no longer carries (the answer refused it, or a re-INVITE replaced
   * it) cannot reach it: it is reported failed and closed on the member's leg.
   */
  #lateJoin(leg: Leg): void {
    const missed: number[] = [];
    for (const [i, yes] of leg.accepted.entries()) {
      if (!yes) continue;
      const session = leg.sessions[i];
      const id = leg.offeredIds[i];
      const relay = [...this.#relays].find((r) => r.index === i && r.transferId === id && r.sink.waiting(leg.member));
      if (relay !== undefined && session !== undefined && relay.sink.attach(leg.member, session)) continue;
      const stillOffered = this.#inbound[i] !== undefined && id === this.#transferId(i) && !this.#relayed.has(id);
      if (stillOffered) continue;
      missed.push(i);
      this.#conference.file(leg.member, { transferId: id ?? `m${i}`, outcome: 'failed', reason: 'the member accepted after this file had left the session' });
    }
    if (missed.length === 0) return;
    this.#notifier?.changed();
    if (missed.length === leg.accepted.filter(Boolean).length) {
      this.#closeLeg(leg, 'accepted only files no longer in the session', true);
      return;
    }
    void this.#reofferLeg(leg, this.#senderOffer, missed, []);
  }

  /** Reads the icons of the sender's (re-)INVITE for the m-lines `indices` (new files) and says what is relayed. */
  #takeIcons(incoming: IncomingInvite, indices: readonly number[]): void {
    const found = iconsToRelay(incoming.request);
    const next = new Map(this.#icons);
    for (const i of indices) next.delete(i);
    for (const [i, icon] of found.byIndex) {
      if (!indices.includes(i)) continue;
      next.set(i, icon);
      this.#ctx.emit({ type: 'icon-relayed', session: this.id, media: i, iconType: icon.icon.type, bytes: icon.icon.bytes.length });
    }
    for (const problem of found.problems) {
      if (indices.includes(problem.index)) this.#ctx.emit({ type: 'icon-refused', session: this.id, media: problem.index, reason: problem.reason });
    }
    this.#icons = next;
  }

  /** The body of an offer to a member: SDP, plus the icon parts of the m-lines `only` (default all). */
  #legBody(offer: SessionDescription, only?: readonly number[]): { body: string | Buffer; contentType: string } {
    return buildFileInviteBody({ sdp: serializeSessionDescription(offer), icons: iconPartsFor(offer.media, this.#icons, only) });
  }

  /** One member: INVITE with our copy of the offer; true when it joined (took a file). */
  async #inviteLeg(leg: Leg, incoming: IncomingInvite, offer: SessionDescription): Promise<boolean> {
    const media = offer.media.map((m, i) => this.#legMedia(leg, m, i));
    const legOffer = createSessionDescription({
      origin: { ...this.#legOrigin },
      connection: { netType: 'IN', addrType: sdpAddrType(this.#ctx.host), address: this.#ctx.host },
      media,
    });
    leg.offer = legOffer;
    leg.offeredIds = offer.media.map((_m, i) => this.#transferId(i));
    const headers = COPIED_HEADERS.flatMap((name) => incoming.request.headers.getAll(name).map((value) => ({ name, value })));
    // RFC 3892: tells the member on whose behalf the focus is calling.
    if (this.#request.originator !== '') headers.push({ name: 'Referred-By', value: `<${this.#request.originator}>` });
    let status: number;
    let phrase: string;
    try {
      const pending = this.#ctx.ua.invite(leg.member, { ...this.#legBody(legOffer), headers });
      leg.invite = pending;
      const clock = this.#ctx.ua.options.clock ?? systemClock;
      const timer = clock.setTimeout(() => pending.cancel('member did not answer in time'), this.#ctx.legAnswerTimeoutMs);
      const result = await pending.finally(() => clock.clearTimeout(timer));
      status = result.response.status;
      phrase = result.response.reason;
      if (result.kind === 'accepted') {
        leg.dialog = result.dialog;
        status = this.#applyLegAnswer(leg, legOffer, result.response.body.toString('utf8'), offer.media.map(() => true));
      }
    } catch (error) {
      // Transport failure or Timer B: the member is unreachable (RFC 3261 §8.1.3.1 → 408/503).
      status = error instanceof CpmError && error.code === 'ERR_SIP_TRANSACTION_TIMEOUT' ? 408 : 503;
      phrase = status === 408 ? 'Request Timeout' : 'Service Unavailable';
    }
    leg.invite = undefined;
    leg.answered = true;
    leg.status = status;
    if (leg.ended) {
      // The session ended while this member was being invited: a late 2xx is hung up at once.
      const dialog = leg.dialog;
      if (dialog !== undefined && dialog.state !== 'terminated') void this.#ctx.ua.bye(dialog).catch(() => {});
      leg.dialog = undefined;
      return false;
    }
    const joined = leg.accepted.some(Boolean);
    if (status === 488 && phrase === 'OK') phrase = 'unusable SDP answer';
    this.#conference.answered(leg.member, status, status === 200 && !joined ? 'accepted no file' : phrase, joined);
    this.#notifier?.changed();
    if (!joined) {
      this.#closeLeg(leg, status === 200 ? 'accepted no file' : `answered ${status}`, leg.dialog !== undefined);
    }
    this.#ctx.emit({ type: 'leg-answered', session: this.id, member: leg.member, status, acceptedMedia: leg.accepted.flatMap((a, i) => (a ? [i] : [])) });
    return joined;
  }

  /** Our m-line towards a member: the sender's file description with our own MSRP path. */
  #legMedia(leg: Leg, senderMedia: SdpMedia, index: number): SdpMedia {
    leg.sessions[index]?.close();
    leg.sessions[index] = undefined;
    leg.accepted[index] = false;
    if (!isMsrpMedia(senderMedia) || senderMedia.port === 0) return closeMedia(senderMedia);
    const session = this.#ctx.msrp.createSession({ transactionTimeoutMs: this.#ctx.msrpTransactionTimeoutMs });
    leg.sessions[index] = session;
    const media = structuredClone(senderMedia);
    media.port = this.#ctx.msrp.port;
    media.connections = [];
    // RFC 5547 §8 / RFC 4975 §8.1: the same file-selector and transfer id, but our own path:
    // the member's MSRP session ends at the focus, not at the sender.
    setPath(media, [session.localPathText]);
    // RFC 6135 §4: offering actpass lets each member pick who connects (they normally do).
    setSetup(media, 'actpass');
    removeAttributes(media.attributes, ['fingerprint']);
    // RFC 5547 §6: a=file-icon stays only when its part goes with this offer (same Content-ID).
    keepIconAttribute(media, this.#icons.has(index));
    return media;
  }

  /**
   * RFC 3264 §6 / RFC 5547 §8.2: reads a member's answer; `consider[i]` says which m-lines this
   * answer decides (all of them for the INVITE, only the new ones for a re-INVITE).
   * Returns 200, or 488 when the answer is unusable (the leg is then closed by the caller).
   */
  #applyLegAnswer(leg: Leg, legOffer: SessionDescription, body: string, consider: readonly boolean[]): number {
    const answer = parseSessionDescription(body);
    const negotiated = answer.ok ? validateAnswer(legOffer, answer.value) : answer;
    if (!negotiated.ok || !answer.ok) {
      for (const [i, yes] of consider.entries()) if (yes) leg.accepted[i] = false;
      return 488;
    }
    for (const n of negotiated.value) {
      if (consider[n.index] !== true) continue;
      const session = leg.sessions[n.index];
      const answered = answer.value.media[n.index];
      if (!n.accepted || session === undefined || answered === undefined) {
        leg.accepted[n.index] = false;
        session?.close();
        leg.sessions[n.index] = undefined;
        continue;
      }
      const path = parseMsrpPath(getPath(answered).join(' '));
      if (!path.ok) {
        leg.accepted[n.index] = false;
        continue;
      }
      leg.accepted[n.index] = true;
      session.setRemotePath(path.value);
      // RFC 6135 §4 / RFC 4975 §5.4: whoever is active opens the connection. When that is us,
      // connect now; a failure drops only this member's copy of the file.
      if (n.connectingParty === 'offerer') {
        session.connect().catch((error: unknown) => this.#legMediaFailed(leg, n.index, `MSRP connect failed: ${String(error)}`));
      }
    }
    return 200;
  }

  #legMediaFailed(leg: Leg, index: number, reason: string): void {
    leg.accepted[index] = false;
    leg.sessions[index]?.close();
    leg.sessions[index] = undefined;
    for (const relay of this.#relays) relay.sink.drop(leg.member, reason);
  }

  /** The decision for one of the sender's m-lines, opening our MSRP session when accepted. */
  #openInbound(media: SdpMedia, index: number, accept: boolean): MediaDecision {
    if (!accept || !isMsrpMedia(media) || media.port === 0) return { kind: 'reject' };
    const session = this.#ctx.msrp.createSession({
      delegate: {
        onMessageStart: (info) => this.#startRelay(index, info, session),
        // The sender's connection went while a file was being relayed: nothing more can come.
        onClose: (error) => {
          if (this.#inbound[index] === session && this.#relaying > 0) this.#lifetime.end({ cause: 'msrp-connection-lost', text: `the sender's MSRP connection closed during a file (${error.message})` });
        },
      },
      transactionTimeoutMs: this.#ctx.msrpTransactionTimeoutMs,
    });
    this.#inbound[index] = session;
    const path = parseMsrpPath(getPath(media).join(' '));
    if (path.ok) session.setRemotePath(path.value);
    return { kind: 'accept', port: this.#ctx.msrp.port, path: [session.localPathText] };
  }

  /** After our 2xx: connect to the sender when our answer made us the active side. */
  #connectInbound(media: SdpMedia | undefined, index: number): void {
    const session = this.#inbound[index];
    if (media === undefined || session === undefined) return;
    // RFC 6135 §4: answering an actpass/passive offer we chose active (answerSetup), so we
    // connect; for an active (or setup-less, RFC 4975 §5.4) offerer we wait for it.
    const offered = media.attributes.find((a) => a.name === 'setup')?.value ?? undefined;
    if (offered === 'actpass' || offered === 'passive') {
      session.connect().then(() => this.#noteInboundBound(), (error: unknown) => {
        this.#ctx.emit({ type: 'file-completed', session: this.id, media: index, delivered: [], failed: [`sender (MSRP connect failed: ${String(error)})`] });
        // We are the active side towards the sender: it learns at once, from our BYE's Reason.
        this.#lifetime.end({ cause: 'msrp-connect-failed', text: `cannot connect to the sender's MSRP path: ${error instanceof Error ? error.message : String(error)}` });
      });
    } else {
      session.waitBound().then(() => this.#noteInboundBound(), () => undefined);
    }
  }

  #noteInboundBound(): void {
    if (this.#inbound.every((s) => s === undefined || s.connection !== undefined)) this.#lifetime.established();
  }

  #answer(offer: SessionDescription, decisions: readonly MediaDecision[]): SessionDescription | undefined {
    this.#origin = incrementSessionVersion(this.#origin);
    const answer = buildAnswer(offer, {
      origin: this.#origin,
      connection: { netType: 'IN', addrType: sdpAddrType(this.#ctx.host), address: this.#ctx.host },
      decisions,
    });
    return answer.ok ? answer.value : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Relaying (RFC 4975 §7: the focus ends the sender's MSRP session and starts one per member).

  #startRelay(index: number, info: IncomingMessageInfo, inbound: MsrpSession): MessageSink | MessageRejection {
    const targets = this.#legs.flatMap((leg) => {
      const session = leg.sessions[index];
      return !leg.ended && leg.accepted[index] === true && session !== undefined ? [{ member: leg.member, session }] : [];
    });
    // Members still being invited with this very file get it kept for them (createRelaySink).
    const transferId = this.#transferId(index);
    const waiting = this.#legs.filter((l) => !l.ended && !l.answered && l.offeredIds[index] === transferId).map((l) => l.member);
    // RFC 4975 §7.3: 403 says the request is refused and retrying will not help: nobody is
    // left to receive this file.
    if (targets.length === 0 && waiting.length === 0) return { reject: 403, comment: 'no member is receiving this file' };
    // The legs are new messages that need a declared size; the sender's Byte-Range total
    // gives it (RFC 5547 senders know their file's size). A '*' total cannot be streamed on.
    if (info.size === undefined) return { reject: 400, comment: 'the focus needs the total size in Byte-Range' };
    const relay = createRelaySink(info, targets, {
      highWaterMark: this.#ctx.relayHighWaterMark,
      waitingHighWaterMark: this.#ctx.waitingMemberBufferBytes,
      transactionTimeoutMs: this.#ctx.msrpTransactionTimeoutMs,
      onOutcome: (o) => {
        // Our extension of RFC 4575 (runtime/group/conference-info.ts): the member's copy of this file.
        this.#conference.file(o.member, {
          transferId: this.#transferId(index),
          outcome: o.delivered ? 'delivered' : 'failed',
          ...(o.status === undefined ? {} : { status: o.status }),
          ...(o.error === undefined ? {} : { reason: o.error.message }),
        });
        this.#notifier?.changed();
        this.#ctx.emit({ type: 'file-relayed', session: this.id, media: index, member: o.member, delivered: o.delivered, ...(o.status === undefined ? {} : { status: o.status }), ...(o.error === undefined ? {} : { reason: o.error.message }) });
      },
    }, waiting);
    const entry = { index, transferId, sink: relay };
    this.#relays.add(entry);
    this.#relayed.add(transferId);
    this.#relaying += 1;
    void relay.outcomes.then((outcomes) => {
      this.#relays.delete(entry);
      this.#relaying -= 1;
      this.#lifetime.activity();
      this.#ctx.emit({
        type: 'file-completed', session: this.id, media: index,
        delivered: outcomes.filter((o) => o.delivered).map((o) => o.member),
        failed: outcomes.filter((o) => !o.delivered).map((o) => o.member),
      });
    });
    return {
      write: (position, data) => {
        this.#lifetime.activity();
        return relay.write(position, data);
      },
      end: async (flag) => {
        try {
          await relay.end(flag);
        } catch (error) {
          if (flag === '$') this.#sendFailureReport(inbound, info, await relay.outcomes);
          throw error;
        }
      },
    };
  }

  /**
   * RFC 4975 §7.1.2: unless the sender said Failure-Report: no, it learns that the message did
   * not reach anyone from a REPORT with an error status. We pass on the members' own status when
   * they agree, else 408 (what a relay reports when the next hop never confirmed).
   */
  #sendFailureReport(inbound: MsrpSession, info: IncomingMessageInfo, outcomes: readonly RelayOutcome[]): void {
    const conn = inbound.connection;
    const toPath = inbound.remotePath;
    if (info.failureReport === 'no' || conn === undefined || conn.closed || toPath === undefined) return;
    const statuses = new Set(outcomes.map((o) => o.status ?? 408));
    const code = statuses.size === 1 ? [...statuses][0] ?? 408 : 408;
    const total = info.size ?? 0;
    conn.write([serializeReport({
      transactionId: newTransactionId(), toPath, fromPath: [inbound.localUri], messageId: info.messageId,
      byteRange: { start: 1, end: total, total }, status: { namespace: 0, code, reason: 'not delivered to any member' },
    })]);
  }

  // -------------------------------------------------------------------------------------------
  // Mid-session requests.

  /**
   * A re-INVITE from the sender (RFC 3264 §8, RFC 5547 §8.4): m-lines set to port 0 close a file,
   * a slot with a new file-transfer-id carries a new file. Each change is re-offered to every
   * member still in the session, and the sender gets an answer built from theirs.
   */
  async reinvite(incoming: IncomingInvite): Promise<void> {
    const next = parseSessionDescription(sdpOfRequest(incoming.request) ?? '');
    if (!next.ok) {
      incoming.reject(400, 'Bad Request', [{ name: 'Warning', value: `399 ${this.#ctx.host} "invalid SDP: ${next.error.message.replace(/"/g, "'")}"` }]);
      return;
    }
    const classified = classifyReoffer(this.#senderOffer, next.value);
    if (!classified.ok) {
      incoming.reject(488, 'Not Acceptable Here', [{ name: 'Warning', value: `399 ${this.#ctx.host} "${classified.error.message.replace(/"/g, "'")}"` }]);
      return;
    }
    const previous = this.#senderOffer;
    this.#senderOffer = next.value;
    const closed = classified.value.filter((c) => c.status === 'closed' && (previous.media[c.index]?.port ?? 0) !== 0).map((c) => c.index);
    const added = classified.value.filter((c) => c.status === 'new').map((c) => c.index);
    this.#ctx.emit({ type: 'reoffer', session: this.id, closed, added });
    this.#takeIcons(incoming, [...closed, ...added]);

    await Promise.all(this.#legs.filter((l) => !l.ended && l.dialog !== undefined).map((leg) => this.#reofferLeg(leg, next.value, closed, added)));

    for (const i of [...closed, ...added]) {
      this.#inbound[i]?.close();
      this.#inbound[i] = undefined;
    }
    const decisions = next.value.media.map((media, i): MediaDecision => {
      if (added.includes(i)) return this.#openInbound(media, i, this.#legs.some((l) => !l.ended && l.accepted[i] === true));
      const session = this.#inbound[i];
      if (media.port === 0 || session === undefined) return { kind: 'reject' };
      return { kind: 'accept', port: this.#ctx.msrp.port, path: [session.localPathText] };
    });
    const answer = this.#answer(next.value, decisions);
    if (answer === undefined) {
      incoming.reject(500, 'Server Internal Error');
      return;
    }
    incoming.accept(serializeSessionDescription(answer), SDP);
    for (const i of added) if (this.#inbound[i] !== undefined) this.#connectInbound(next.value.media[i], i);
  }

  async #reofferLeg(leg: Leg, senderOffer: SessionDescription, closed: readonly number[], added: readonly number[]): Promise<void> {
    const previous = leg.offer;
    const dialog = leg.dialog;
    if (previous === undefined || dialog === undefined) return;
    const slots: ReofferSlot[] = [];
    const extra: SdpMedia[] = [];
    const consider = senderOffer.media.map(() => false);
    for (const [i, media] of senderOffer.media.entries()) {
      if (closed.includes(i)) {
        leg.sessions[i]?.close();
        leg.sessions[i] = undefined;
        leg.accepted[i] = false;
        if (i < previous.media.length) slots.push({ kind: 'close' });
        else extra.push(closeMedia(media));
      } else if (added.includes(i)) {
        consider[i] = true;
        const legMedia = this.#legMedia(leg, media, i);
        if (i < previous.media.length) {
          slots.push(legMedia.port === 0 ? { kind: 'close' } : { kind: 'replace', attributes: legMedia.attributes, port: legMedia.port, proto: legMedia.proto, connections: [] });
        } else extra.push(legMedia);
      } else if (i < previous.media.length) slots.push({ kind: 'keep' });
      else extra.push(closeMedia(media));
    }
    const reoffer = buildReoffer(previous, slots, extra);
    if (!reoffer.ok) return;
    leg.offer = reoffer.value;
    try {
      const body = this.#legBody(reoffer.value, added);
      const { response } = await this.#ctx.ua.reinvite(dialog, body.body, body.contentType);
      if (response.status >= 200 && response.status < 300) this.#applyLegAnswer(leg, reoffer.value, response.body.toString('utf8'), consider);
      else for (const i of added) this.#legMediaFailed(leg, i, `re-INVITE answered ${response.status}`);
    } catch (error) {
      for (const i of added) this.#legMediaFailed(leg, i, `re-INVITE failed: ${String(error)}`);
    }
  }

  /** The sender sent BYE (RFC 3261 §15): every member's dialog ends too. */
  async senderBye(): Promise<void> {
    this.#senderDialog = undefined;
    await this.#finish('the sender ended the session');
  }

  /** A member's dialog ended (its BYE, or no ACK): the others go on. */
  async legEnded(dialog: Dialog, reason: string): Promise<void> {
    const leg = this.#legs.find((l) => l.dialog === dialog);
    if (leg === undefined || leg.ended) return;
    leg.dialog = undefined;
    this.#closeLeg(leg, reason, false, 'departed');
    // With no member left the group session has no purpose: end it towards the sender too.
    if (this.#legs.every((l) => l.ended)) await this.#finish('every member left');
  }

  #closeLeg(leg: Leg, reason: string, sendBye: boolean, method: DisconnectionMethod = 'booted'): void {
    if (leg.ended) return;
    leg.ended = true;
    // RFC 4575 §5.6.7: departed when the member hung up, booted when the focus ended its leg.
    this.#conference.left(leg.member, reason, method);
    this.#notifier?.changed();
    for (const relay of this.#relays) relay.sink.drop(leg.member, reason);
    // A member still being invited: our INVITE is CANCELled (a 2xx that crosses it is hung up).
    leg.invite?.cancel(reason);
    for (const s of leg.sessions) s?.close();
    leg.sessions = [];
    leg.accepted = leg.accepted.map(() => false);
    const dialog = leg.dialog;
    if (sendBye && dialog !== undefined && dialog.state !== 'terminated') void this.#ctx.ua.bye(dialog).catch(() => {});
    this.#ctx.emit({ type: 'leg-ended', session: this.id, member: leg.member, reason });
  }

  /** Ends the session both ways (BYE to whoever is still in a dialog) and releases everything. */
  async #finish(reason: string, end?: SessionEnd): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#lifetime.dispose();
    // RFC 3326: when the focus itself ends the session, every BYE says why.
    const headers = end === undefined ? undefined : [reasonHeaderFor(end)];
    const byes: Promise<unknown>[] = [];
    for (const leg of this.#legs) {
      const dialog = leg.dialog;
      if (!leg.ended && dialog !== undefined && dialog.state !== 'terminated') byes.push(this.#ctx.ua.bye(dialog, headers).catch(() => {}));
      this.#closeLeg(leg, reason, false);
    }
    const sender = this.#senderDialog;
    this.#senderDialog = undefined;
    // RFC 6665 §4.2.2: the subscription ends with the session; the originator gets the final
    // state in a terminated NOTIFY before our BYE (after its own BYE the dialog is gone).
    if (sender !== undefined && sender.state !== 'terminated') await this.#notifier?.terminate('noresource');
    this.#notifier?.close();
    if (sender !== undefined && sender.state !== 'terminated') byes.push(this.#ctx.ua.bye(sender, headers).catch(() => {}));
    for (const s of this.#inbound) s?.close();
    this.#inbound = [];
    await Promise.all(byes);
    this.#ctx.emit({ type: 'session-ended', session: this.id, reason });
    this.#ctx.ended(this);
  }

  /** Focus shutdown. */
  close(): Promise<void> {
    return this.#finish('the focus is shutting down');
  }
}
