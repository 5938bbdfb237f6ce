// Our INVITE to one member, bounded by the focus's answer time: the member's final status, with
// an unreachable member (transport failure, Timer B) given the status a proxy would report.

import { CpmError, systemClock, type UserAgent } from '../../runtime/index.ts';
import type { Leg } from './member-leg.ts';

export interface MemberInvitation {
  readonly body: { body: string | Buffer; contentType: string };
  readonly headers: readonly { name: string; value: string }[];
  readonly answerTimeoutMs: number;
  /** Reads the member's 2xx SDP answer; returns 200, or 488 when it is unusable. */
  readonly readAnswer: (body: string) => number;
}

/** Invites the member of `leg` (its dialog and pending INVITE are kept on the leg) and returns the outcome. */
export async function inviteMember(ua: UserAgent, leg: Leg, invitation: MemberInvitation): Promise<{ status: number; phrase: string }> {
  try {
    const pending = ua.invite(leg.member, { ...invitation.body, headers: [...invitation.headers] });
    leg.invite = pending;
    const clock = ua.options.clock ?? systemClock;
    const timer = clock.setTimeout(() => pending.cancel('member did not answer in time'), invitation.answerTimeoutMs);
    const result = await pending.finally(() => clock.clearTimeout(timer));
    if (result.kind !== 'accepted') return { status: result.response.status, phrase: result.response.reason };
    leg.dialog = result.dialog;
    return { status: invitation.readAnswer(result.response.body.toString('utf8')), phrase: result.response.reason };
  } catch (error) {
    // Transport failure or Timer B: the member is unreachable (RFC 3261 §8.1.3.1 → 408/503).
    const status = error instanceof CpmError && error.code === 'ERR_SIP_TRANSACTION_TIMEOUT' ? 408 : 503;
    return { status, phrase: status === 408 ? 'Request Timeout' : 'Service Unavailable' };
  }
}
