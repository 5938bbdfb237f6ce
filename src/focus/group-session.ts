// One group file-transfer session at the focus: the sender's dialog on one side, one dialog per
// member on the other (CPM 7.4.1.1 / 7.4.1.2, with the focus as a back-to-back user agent), and
// per file m-line an MSRP session from the sender relayed to one MSRP session per member.

import { randomBytes } from 'node:crypto';
import {
  buildAnswer, classifyReoffer, createSessionDescription,
  type Dialog, type DisconnectionMethod, type IncomingDialogRequest, type IncomingInvite, incrementSessionVersion,
  type MediaDecision, type MsrpEndpoint, parseSessionDescription, reasonHeaderFor, type SdpMedia,
  type SdpOrigin, serializeSessionDescription, type SessionDescription, type SessionEnd, SessionLifetime,
  systemClock, type UserAgent,
} from '../../runtime/index.ts';
import { bestMemberFailure } from './best-member-failure.ts';
import type { FocusRequest } from './classify-focus-invite.ts';
import { ConferenceNotifier } from './conference-notifier.ts';
import { ConferenceState } from './conference-state.ts';
import type { FocusEvent } from './focus-types.ts';
import { MemberFileRelays } from './member-file-relays.ts';
import { inviteMember } from './member-invitation.ts';
import { applyLegAnswer, type Leg, legInviteHeaders, legMedia, newLeg, sdpAddrType } from './member-leg.ts';
import { reofferMember } from './member-reoffer.ts';
import { sdpOfRequest } from './request-sdp.ts';
import { SenderMedia } from './sender-media.ts';
import { SessionIcons } from './session-icons.ts';

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

const SDP = 'application/sdp';

export class GroupSession {
  readonly id = randomBytes(6).toString('hex');
  readonly #ctx: GroupSessionContext;
  readonly #request: FocusRequest;
  #senderOffer: SessionDescription;
  #senderDialog: Dialog | undefined;
  #origin: SdpOrigin;
  #legOrigin: SdpOrigin;
  readonly #sender: SenderMedia;
  #legs: Leg[];
  #finished = false;
  /** RFC 4575 state of the members, reported to the originator when it subscribes. */
  readonly #conference: ConferenceState;
  #notifier: ConferenceNotifier | undefined;
  readonly #files: MemberFileRelays;
  /** The sender has its answer (200, or the group's failure). */
  #senderAnswered = false;
  /** Ends the session when the sender's MSRP connection fails, never comes, or goes quiet. */
  readonly #lifetime: SessionLifetime;
  /** RFC 5547 §6: the icons relayed to the members. */
  readonly #icons: SessionIcons;

  constructor(ctx: GroupSessionContext, request: FocusRequest) {
    this.#ctx = ctx;
    this.#request = request;
    this.#senderOffer = request.offer;
    const sessionId = String(Date.now());
    this.#origin = { username: '-', sessionId, sessionVersion: '0', netType: 'IN', addrType: sdpAddrType(ctx.host), address: ctx.host };
    this.#legOrigin = { ...this.#origin, sessionId: `${sessionId}1` };
    this.#legs = request.members.map(newLeg);
    this.#conference = new ConferenceState(request.target, request.members);
    this.#lifetime = new SessionLifetime({
      clock: ctx.ua.options.clock ?? systemClock,
      ...(ctx.msrpSetupTimeoutMs !== undefined ? { setupTimeoutMs: ctx.msrpSetupTimeoutMs } : {}),
      ...(ctx.idleTimeoutMs !== undefined ? { idleTimeoutMs: ctx.idleTimeoutMs } : {}),
      busy: () => this.#files.busy,
      onEnd: (end) => void this.#finish(end.text, end),
    });
    this.#icons = new SessionIcons(this.id, ctx.emit);
    this.#files = new MemberFileRelays({
      session: this.id,
      relayHighWaterMark: ctx.relayHighWaterMark,
      waitingMemberBufferBytes: ctx.waitingMemberBufferBytes,
      msrpTransactionTimeoutMs: ctx.msrpTransactionTimeoutMs,
      conference: this.#conference,
      emit: ctx.emit,
      changed: () => this.#notifier?.changed(),
      activity: () => this.#lifetime.activity(),
      transferId: (index) => this.#transferId(index),
    });
    this.#sender = new SenderMedia({
      session: this.id,
      msrp: ctx.msrp,
      msrpTransactionTimeoutMs: ctx.msrpTransactionTimeoutMs,
      lifetime: this.#lifetime,
      emit: ctx.emit,
      busy: () => this.#files.busy,
      startFile: (index, info, inbound) => this.#files.start(index, info, inbound, this.#legs),
    });
  }

  /** The sender's ACK: its MSRP connections must now come up within the set-up time. */
  ack(): void {
    if (this.#sender.awaitingConnection) this.#lifetime.expectConnection();
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
    this.#icons.take(incoming.request, offer.media.map((_m, i) => i));
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
    const decisions = offer.media.map((media, i) => this.#sender.open(media, i, acceptedMedia.includes(i)));
    const answer = this.#answer(offer, decisions);
    if (answer === undefined) {
      incoming.reject(500, 'Server Internal Error');
      await this.#finish('could not build the answer');
      return;
    }
    this.#senderDialog = incoming.accept(serializeSessionDescription(answer), SDP);
    this.#lifetime.activity();
    emit({ type: 'session-answered', session: this.id, status: 200, acceptedMedia });
    for (const i of acceptedMedia) this.#sender.connect(offer.media[i], i);
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
      if (session !== undefined && this.#files.attachLate(i, id, leg.member, session)) continue;
      const stillOffered = this.#sender.at(i) !== undefined && id === this.#transferId(i) && !this.#files.started(id);
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
    const headers = legInviteHeaders(this.#request, incoming.request);
    let { status, phrase } = await inviteMember(this.#ctx.ua, leg, {
      body: this.#icons.offerBody(legOffer),
      headers,
      answerTimeoutMs: this.#ctx.legAnswerTimeoutMs,
      readAnswer: (body) => applyLegAnswer(leg, legOffer, body, offer.media.map(() => true), (i, reason) => this.#legMediaFailed(leg, i, reason)),
    });
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

  #legMedia(leg: Leg, senderMedia: SdpMedia, index: number): SdpMedia {
    return legMedia(this.#ctx, leg, senderMedia, index, this.#icons.has(index));
  }

  #legMediaFailed(leg: Leg, index: number, reason: string): void {
    leg.accepted[index] = false;
    leg.sessions[index]?.close();
    leg.sessions[index] = undefined;
    this.#files.drop(leg.member, reason);
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
    this.#icons.take(incoming.request, [...closed, ...added]);

    await Promise.all(this.#legs.filter((l) => !l.ended && l.dialog !== undefined).map((leg) => this.#reofferLeg(leg, next.value, closed, added)));

    for (const i of [...closed, ...added]) {
      this.#sender.close(i);
    }
    const decisions = next.value.media.map((media, i): MediaDecision => {
      if (added.includes(i)) return this.#sender.open(media, i, this.#legs.some((l) => !l.ended && l.accepted[i] === true));
      const session = this.#sender.at(i);
      if (media.port === 0 || session === undefined) return { kind: 'reject' };
      return { kind: 'accept', port: this.#ctx.msrp.port, path: [session.localPathText] };
    });
    const answer = this.#answer(next.value, decisions);
    if (answer === undefined) {
      incoming.reject(500, 'Server Internal Error');
      return;
    }
    incoming.accept(serializeSessionDescription(answer), SDP);
    for (const i of added) if (this.#sender.at(i) !== undefined) this.#sender.connect(next.value.media[i], i);
  }

  #reofferLeg(leg: Leg, senderOffer: SessionDescription, closed: readonly number[], added: readonly number[]): Promise<void> {
    return reofferMember({
      ua: this.#ctx.ua,
      legMedia: (l, media, i) => this.#legMedia(l, media, i),
      offerBody: (offer, only) => this.#icons.offerBody(offer, only),
      mediaFailed: (l, i, reason) => this.#legMediaFailed(l, i, reason),
    }, leg, senderOffer, closed, added);
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
    this.#files.drop(leg.member, reason);
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
    this.#sender.closeAll();
    await Promise.all(byes);
    this.#ctx.emit({ type: 'session-ended', session: this.id, reason });
    this.#ctx.ended(this);
  }

  /** Focus shutdown. */
  close(): Promise<void> {
    return this.#finish('the focus is shutting down');
  }
}
