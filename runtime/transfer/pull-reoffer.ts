// The file server's reading of a re-INVITE inside a pull session (RFC 3264 §8, RFC 5547 §8.1 and its
// m-line reuse rules in §8). Checked against the RFC 5547 text of §8.1 (the file-transfer-id tells a
// session refresh, which repeats the SDP unchanged, from a new transfer) and RFC 3264 §8 (m-lines are
// never removed from a re-offer; port 0 closes a stream; a closed slot may carry a new stream):
//   - an m-line with port 0 closes that transfer: stop sending it, answer port 0;
//   - an m-line whose file-transfer-id (and media/proto) is the one it carried before is unchanged
//     (e.g. an RFC 4028 refresh): it is answered exactly as before and whatever is being sent goes on;
//   - an m-line with a new file-transfer-id, or a new m-line appended, is a new pull: looked up by its
//     selector like an initial offer and, when served, sent over a fresh MSRP session.
// Whether a re-offered m-line that carried a transfer keeps, closes or replaces it is not decided
// here: the generated RFC 5547 §8.1 rules of mline-reoffered decide it, as for the push receiver
// (receiver-answer-plan.ts), so a CR on those rules changes both. Only an m-line that carried
// nothing (closed before, or appended) is read here: live with a transfer id, it is a new pull.
// FileServer owns the sessions and the sending.

import { fail, ok, type Result, CpmError } from '../errors.ts';
import type { ProcedureHandlers } from '../procedure/decision.ts';
import { classifyReoffer, type ReofferedMedia } from '../sdp/offer-answer.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import { planReceiverEvent, reofferAnswerOf } from './receiver-answer-plan.ts';

export type PullReofferStep =
  /** Answer this m-line as last time; the transfer it carries (if any) goes on. */
  | { readonly index: number; readonly action: 'keep' }
  /** Stop the transfer this m-line carried (if any) and answer port 0. */
  | { readonly index: number; readonly action: 'close' }
  /** A new pull on this m-line: stop what it carried, look the selector up, serve it or answer port 0. */
  | { readonly index: number; readonly action: 'pull' };

const ruledAction = { keep: 'keep', close: 'close', new: 'pull' } as const;

function stepFor(item: ReofferedMedia, previousOffer: SessionDescription, handlers: ProcedureHandlers): PullReofferStep {
  const previous = previousOffer.media[item.index];
  if (previous === undefined || previous.port === 0) return { index: item.index, action: item.status === 'new' ? 'pull' : 'close' };
  // RFC 5547 §8.1 (rules RFC5547-8.1-*): keep, close or replace the transfer this m-line carried.
  const plan = planReceiverEvent(handlers, 'mline-reoffered', { 'port-zero': item.status === 'closed', 'transfer-id-changed': item.status === 'new' });
  return { index: item.index, action: ruledAction[reofferAnswerOf(plan).kind] };
}

/**
 * One step per m-line of the re-offer. An offer that drops m-lines (RFC 3264 §8 forbids it) is an
 * error, answered 488 by the caller with the session left as it was; a spec whose rules conclude
 * nothing (or two things) for an m-line throws the typed procedure error (the caller answers 500).
 */
export function planPullReoffer(previousOffer: SessionDescription, reoffer: SessionDescription, handlers: ProcedureHandlers): Result<PullReofferStep[]> {
  const classified = classifyReoffer(previousOffer, reoffer);
  if (!classified.ok) return fail(new CpmError('ERR_SDP_OFFER_ANSWER', `unusable re-offer: ${classified.error.message}`));
  return ok(classified.value.map((item) => stepFor(item, previousOffer, handlers)));
}

/** Whether a re-offer changes nothing (a refresh): then the answer is the previous one, version too. */
export const isRefresh = (steps: readonly PullReofferStep[]): boolean => steps.every((s) => s.action === 'keep');
