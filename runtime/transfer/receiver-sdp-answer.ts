// The SDP of the receiver's answers: reading the offer out of an INVITE (plain or multipart), the
// answer built from the m-line plans, and the Warning headers that say why m-lines were refused.

import { buildAnswer, type MediaDecision } from '../sdp/offer-answer.ts';
import { parseSessionDescription } from '../sdp/parse-session-description.ts';
import type { SessionDescription } from '../sdp/session-description.ts';
import { parseMultipart } from '../sip/syntax/multipart.ts';
import type { SipRequest } from '../sip/syntax/sip-message.ts';
import { formatWarning } from '../sip/syntax/warning-header.ts';
import type { FileTransferReceiverOptions } from './receiver-options.ts';
import type { IncomingSession, LinePlan } from './receiver-session-state.ts';

/** The SDP offer of an INVITE or re-INVITE, or undefined when there is none we can read. */
export function offerOf(request: SipRequest): SessionDescription | undefined {
  let body = request.body;
  const type = request.headers.get('Content-Type') ?? '';
  // RFC 5366 / RFC 5547 §8 (file-icon): the SDP may be one part of a multipart/mixed body.
  if (/^multipart\//i.test(type.trim())) {
    const parts = parseMultipart(body, type);
    const part = parts.ok ? parts.value.find((p) => /^application\/sdp/i.test(p.headers.get('Content-Type') ?? '')) : undefined;
    if (part === undefined) return undefined;
    body = part.body;
  }
  const parsed = parseSessionDescription(body.toString('utf8'), 'sdp offer');
  return parsed.ok ? parsed.value : undefined;
}

/** One Warning header per refused m-line that has a reason to give. */
export function answerWarnings(options: FileTransferReceiverOptions, plans: readonly LinePlan[]): Array<{ name: string; value: string }> {
  const host = options.endpoint.host;
  const agent = host.includes(':') ? `[${host}]` : host;
  return plans.flatMap((p) => (p.kind === 'reject' && p.warning !== undefined ? [{ name: 'Warning', value: formatWarning(agent, p.warning) }] : []));
}

/** The answer to `offer` from the m-line plans; each answer of the session increments the o= version. */
export function buildReceiverAnswer(options: FileTransferReceiverOptions, session: IncomingSession, offer: SessionDescription, plans: readonly LinePlan[]): SessionDescription | undefined {
  const host = options.endpoint.host;
  const family = host.includes(':') ? 'IP6' : 'IP4';
  const max = options.maxSize;
  const decisions: MediaDecision[] = plans.map((plan) => {
    if (plan.kind === 'reject') return { kind: 'reject' };
    return {
      kind: 'accept',
      port: options.endpoint.port,
      path: [plan.line.session.localPathText],
      ...(max !== undefined ? { maxSize: max } : {}),
      // RFC 4145 §4.1: for an unchanged m-line we keep the role we answered before.
      ...(plan.line.setup !== undefined ? { setup: plan.line.setup } : {}),
      // RFC 5547 §8 (rule RFC5547-8-1.push-echo): what the answer repeats is the rules' decision.
      echo: { fileSelector: plan.line.answer.echoSelector, fileTransferId: plan.line.answer.echoTransferId },
      // RFC 5547 §8.2: taking part in a resume, we repeat the offered file-range.
      ...(plan.line.rangeStart > 1 ? { attributes: options.procedures.fileAttributes.build(plan.line.attributes).filter((a) => a.name === 'file-range') } : {}),
    };
  });
  // RFC 3264 §8: each new answer in the session increments the o= version.
  session.sessionVersion += 1n;
  const answer = buildAnswer(offer, {
    origin: { username: '-', sessionId: session.sessionId, sessionVersion: String(session.sessionVersion), netType: 'IN', addrType: family, address: host },
    connection: { netType: 'IN', addrType: family, address: host },
    decisions,
  });
  if (!answer.ok) return undefined;
  if (options.setup === 'none') {
    for (const media of answer.value.media) media.attributes = media.attributes.filter((a) => a.name !== 'setup');
  }
  return answer.value;
}
