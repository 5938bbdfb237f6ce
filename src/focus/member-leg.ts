// One member's leg of a group session: what the focus offered it, what it took, and the SDP
// work of turning the sender's file descriptions into our offer and reading the member's answer.

import {
  closeMedia, getPath, isMsrpMedia, type Dialog, type MsrpEndpoint, type MsrpSession, parseMsrpPath,
  parseSessionDescription, removeAttributes, type SdpMedia, type SessionDescription, setPath, setSetup,
  type SipRequest, validateAnswer,
} from '../../runtime/index.ts';
import type { FocusRequest } from './classify-focus-invite.ts';
import { keepIconAttribute } from './relayed-icons.ts';

export interface Leg {
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

export const newLeg = (member: string): Leg => ({ member, dialog: undefined, offer: undefined, sessions: [], accepted: [], offeredIds: [], answered: false, invite: undefined, ended: false });

/** Headers of the sender's INVITE that describe the conversation and are kept on every leg. */
const COPIED_HEADERS = ['Accept-Contact', 'P-Preferred-Service', 'Conversation-ID', 'Contribution-ID', 'InReplyTo-Contribution-ID'];

/** The headers of our INVITE to a member, taken from the sender's request. */
export function legInviteHeaders(request: FocusRequest, senderInvite: SipRequest): { name: string; value: string }[] {
  const headers = COPIED_HEADERS.flatMap((name) => senderInvite.headers.getAll(name).map((value) => ({ name, value })));
  // RFC 3892: tells the member on whose behalf the focus is calling.
  if (request.originator !== '') headers.push({ name: 'Referred-By', value: `<${request.originator}>` });
  return headers;
}

export const sdpAddrType = (host: string): 'IP4' | 'IP6' => (host.includes(':') ? 'IP6' : 'IP4');

/** What building a member's m-line needs from the focus. */
export interface LegMediaContext {
  readonly msrp: MsrpEndpoint;
  readonly msrpTransactionTimeoutMs: number;
}

/** Our m-line towards a member: the sender's file description with our own MSRP path. */
export function legMedia(ctx: LegMediaContext, leg: Leg, senderMedia: SdpMedia, index: number, hasIcon: boolean): SdpMedia {
  leg.sessions[index]?.close();
  leg.sessions[index] = undefined;
  leg.accepted[index] = false;
  if (!isMsrpMedia(senderMedia) || senderMedia.port === 0) return closeMedia(senderMedia);
  const session = ctx.msrp.createSession({ transactionTimeoutMs: ctx.msrpTransactionTimeoutMs });
  leg.sessions[index] = session;
  const media = structuredClone(senderMedia);
  media.port = ctx.msrp.port;
  media.connections = [];
  // RFC 5547 §8 / RFC 4975 §8.1: the same file-selector and transfer id, but our own path:
  // the member's MSRP session ends at the focus, not at the sender.
  setPath(media, [session.localPathText]);
  // RFC 6135 §4: offering actpass lets each member pick who connects (they normally do).
  setSetup(media, 'actpass');
  removeAttributes(media.attributes, ['fingerprint']);
  // RFC 5547 §6: a=file-icon stays only when its part goes with this offer (same Content-ID).
  keepIconAttribute(media, hasIcon);
  return media;
}

/**
 * RFC 3264 §6 / RFC 5547 §8.2: reads a member's answer; `consider[i]` says which m-lines this
 * answer decides (all of them for the INVITE, only the new ones for a re-INVITE).
 * Returns 200, or 488 when the answer is unusable (the leg is then closed by the caller).
 * `mediaFailed` is told when our connection to the member for one file fails.
 */
export function applyLegAnswer(
  leg: Leg, legOffer: SessionDescription, body: string, consider: readonly boolean[],
  mediaFailed: (index: number, reason: string) => void,
): number {
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
      session.connect().catch((error: unknown) => mediaFailed(n.index, `MSRP connect failed: ${String(error)}`));
    }
  }
  return 200;
}
