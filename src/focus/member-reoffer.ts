// A change of the sender's files passed on to one member (RFC 3264 §8, RFC 5547 §8.4): the
// member's m-lines follow the sender's (closed, replaced by a new file, or kept), and its answer
// decides only the new files.

import { buildReoffer, closeMedia, type ReofferSlot, type SdpMedia, type SessionDescription, type UserAgent } from '../../runtime/index.ts';
import { applyLegAnswer, type Leg } from './member-leg.ts';

export interface MemberReofferContext {
  readonly ua: UserAgent;
  /** Our m-line towards this member for the sender's m-line `index`. */
  readonly legMedia: (leg: Leg, senderMedia: SdpMedia, index: number) => SdpMedia;
  /** The body of our offer: SDP plus the icons of the m-lines `only`. */
  readonly offerBody: (offer: SessionDescription, only: readonly number[]) => { body: string | Buffer; contentType: string };
  /** This member's copy of the file on m-line `index` cannot be delivered. */
  readonly mediaFailed: (leg: Leg, index: number, reason: string) => void;
}

export async function reofferMember(
  ctx: MemberReofferContext, leg: Leg, senderOffer: SessionDescription, closed: readonly number[], added: readonly number[],
): Promise<void> {
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
      const legMedia = ctx.legMedia(leg, media, i);
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
    const body = ctx.offerBody(reoffer.value, added);
    const { response } = await ctx.ua.reinvite(dialog, body.body, body.contentType);
    if (response.status >= 200 && response.status < 300) applyLegAnswer(leg, reoffer.value, response.body.toString('utf8'), consider, (i, reason) => ctx.mediaFailed(leg, i, reason));
    else for (const i of added) ctx.mediaFailed(leg, i, `re-INVITE answered ${response.status}`);
  } catch (error) {
    for (const i of added) ctx.mediaFailed(leg, i, `re-INVITE failed: ${String(error)}`);
  }
}
