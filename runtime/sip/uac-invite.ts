// The client half of a user agent for a new INVITE (RFC 3261 §8.1, §13.2) and its CANCEL (§9.1).
// An INVITE may take several attempts (uac-attempts.ts): one more answering a 401/407 challenge,
// and one per further RFC 3263 target after a 503 or a transport failure.

import type { TimerHandle } from '../clock.ts';
import { CpmError } from '../errors.ts';
import { Dialog } from './dialog/dialog.ts';
import type { AuthChain } from './digest-authenticator.ts';
import type { NextHop } from './request-routing.ts';
import { newCallId, newTag } from './sip-ids.ts';
import { quote } from './syntax/parse-params.ts';
import { SipHeaders } from './syntax/sip-headers.ts';
import { createRequest, type SipRequest } from './syntax/sip-message.ts';
import { parseSipUri } from './syntax/sip-uri.ts';
import { buildAttempt, cseqOf, stepAfter, withHops } from './uac-attempts.ts';
import { resendAck, sendAck, sendBye } from './uac-in-dialog.ts';
import { watchUnanswered } from './uac-no-answer.ts';
import { toBuffer, type UaCore } from './user-agent-core.ts';
import type { InviteOptions, InviteResult, PendingInvite } from './user-agent-types.ts';

/** The INVITE every attempt is copied from: RFC 3261 §8.1.1's mandatory headers, Route, body. */
function baseInvite(core: UaCore, target: string, options: InviteOptions): SipRequest {
  const headers = new SipHeaders();
  const first = core.options.transports[0]!;
  const display = core.options.displayName === undefined ? '' : `${quote(core.options.displayName)} `;
  headers.append('Max-Forwards', '70');
  headers.append('From', `${display}<${core.options.localUri}>;tag=${newTag()}`);
  headers.append('To', options.to ?? `<${target}>`);
  headers.append('Call-ID', newCallId(first.advertisedHost));
  headers.append('CSeq', `${Math.floor(Math.random() * 2 ** 16) + 1} INVITE`);
  // RFC 3261 §8.1.2 / RFC 3608 §6: the outbound proxy, then the registrar's Service-Route, as
  // pre-loaded loose routes; the Request-URI stays the target.
  for (const route of core.preloadedRoutes()) headers.append('Route', route);
  headers.append('Allow', core.allowed.join(', '));
  core.common(headers);
  for (const h of options.headers ?? []) headers.append(h.name, h.value);
  const body = toBuffer(options.body);
  if (body.length > 0) headers.set('Content-Type', options.contentType ?? 'application/sdp');
  return createRequest('INVITE', target, headers, body);
}

/** RFC 3261 §9.1: CANCEL copies the INVITE's Request-URI, Call-ID, To, From, CSeq number, top Via and Route. */
function cancelFor(invite: SipRequest, reason: string | undefined): SipRequest {
  const h = new SipHeaders();
  h.append('Via', invite.headers.get('Via') ?? '');
  for (const r of invite.headers.getAll('Route')) h.append('Route', r);
  h.append('Max-Forwards', '70');
  h.append('From', invite.headers.get('From') ?? '');
  h.append('To', invite.headers.get('To') ?? '');
  h.append('Call-ID', invite.headers.get('Call-ID') ?? '');
  h.append('CSeq', `${cseqOf(invite)} CANCEL`);
  if (reason !== undefined && reason !== 'cancelled') h.append('Reason', `SIP;text=${quote(reason)}`);
  return createRequest('CANCEL', invite.uri, h);
}

/**
 * An INVITE with a provisional response but no final one is CANCELled after this long (90 s).
 * RFC 3261 only bounds that wait at a proxy (Timer C, more than 3 minutes, §16.6), sized for a
 * phone left ringing; a UAC may CANCEL whenever it likes (§9.1). A file offer is answered by
 * software at once or by a person looking at a prompt, which takes seconds to a minute, so 90 s
 * keeps every real answer while a peer that sends 100 Trying or 180 and then nothing no longer
 * keeps the sender waiting for ever.
 */
export const DEFAULT_INVITE_PROVISIONAL_TIMEOUT_MS = 90_000;

export function sendInvite(core: UaCore, target: string, options: InviteOptions = {}): PendingInvite {
  let cancelWanted: string | undefined;
  /** Sends the CANCEL for the current attempt, when it had a provisional response. */
  let cancelCurrent: (() => void) | undefined;
  let request: SipRequest | undefined;
  const promise = new Promise<InviteResult>((resolve, reject) => {
    const targetUri = parseSipUri(target);
    if (!targetUri.ok) {
      reject(targetUri.error);
      return;
    }
    const base = baseInvite(core, target, options);

    // The transaction keeps these callbacks until it ends, up to 32 s after the final response
    // (RFC 6026 Timer M, Timer D): once the caller has its answer they must not hold the promise,
    // and through it the dialog and the response, so its settle functions are dropped then.
    let outcome: { readonly resolve: (result: InviteResult) => void; readonly reject: (error: unknown) => void } | undefined = { resolve, reject };
    let settled = false;
    // Closing the user agent ends the wait too: the 64*T1 timer after a CANCEL nobody answers
    // would otherwise keep a closed client's process alive for 32 s.
    const closeWait = (): void => {
      stopWaiting();
      if (!settled) fail(new CpmError('ERR_SIP_TRANSPORT_CLOSED', `the user agent closed before the INVITE to ${target} had a final response`));
    };
    core.closers.add(closeWait);
    const settle = (result: InviteResult): void => {
      core.closers.delete(closeWait);
      settled = true;
      const o = outcome;
      outcome = undefined;
      o?.resolve(result);
    };
    const fail = (error: unknown): void => {
      core.closers.delete(closeWait);
      settled = true;
      const o = outcome;
      outcome = undefined;
      o?.reject(error);
    };
    // Every wait ends: the wait for a final response after a provisional one (provisionalTimeoutMs),
    // and after our CANCEL the wait for any final response at all (RFC 3261 §9.1: 64*T1).
    const waitMs = options.provisionalTimeoutMs ?? core.options.inviteProvisionalTimeoutMs ?? DEFAULT_INVITE_PROVISIONAL_TIMEOUT_MS;
    let timedOut: CpmError | undefined;
    let waitTimer: TimerHandle | undefined;
    const stopWaiting = (): void => {
      core.clock.clearTimeout(waitTimer);
      waitTimer = undefined;
    };
    /** The final response that ends the wait: our timeout when we cancelled for it, else `result`. */
    const finish = (result: InviteResult): void => {
      if (timedOut !== undefined) fail(timedOut);
      else settle(result);
    };

    withHops(core, base, (hops) => {
      const chain: AuthChain = new Set();
      let seq = cseqOf(base);
      let index = 0;
      const attempt = (): void => {
        const hop: NextHop = hops[index]!;
        const { transport, destination } = hop;
        const invite = buildAttempt(core, base, seq, hop);
        seq += 1;
        invite.headers.set('Contact', core.contact(transport));
        request = invite;
        let provisional = false;
        let cancelSent = false;
        let done = false;
        const sendCancel = (): void => {
          if (cancelSent || settled) return;
          cancelSent = true;
          stopWaiting();
          // RFC 3261 §9.1: with no final response 64*T1 after the CANCEL the transaction is given up.
          const afterCancel = 64 * core.timers.T1;
          waitTimer = core.clock.setTimeout(() => {
            waitTimer = undefined;
            if (!settled) fail(timedOut ?? new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to INVITE ${target} within ${afterCancel} ms of its CANCEL`));
          }, afterCancel);
          // §9.1: the CANCEL is its own non-INVITE transaction sent to the same destination.
          core.layer.sendRequest(cancelFor(invite, cancelWanted), transport, destination, {
            onResponse: () => undefined,
            onTimeout: () => undefined,
            onTransportError: () => undefined,
          });
        };
        // RFC 3261 §9.1: a CANCEL must not be sent before a provisional response arrived.
        cancelCurrent = () => {
          if (provisional) sendCancel();
        };
        /** A later attempt, unless the caller cancelled meanwhile. */
        const again = (next: () => void, otherwise: () => void): void => {
          if (cancelWanted !== undefined) otherwise();
          else next();
        };
        const failOver = (error: CpmError): void => {
          if (done || settled) return;
          done = true;
          if (!provisional && index + 1 < hops.length) {
            index += 1;
            again(attempt, () => fail(error));
          } else fail(error);
        };
        // Until the first response: a note when nothing answers for a while, and over UDP the
        // system's port-unreachable verdict, which ends this attempt like a failed send.
        const notify = options.onNoAnswer;
        const unanswered = watchUnanswered(core, target, hop, notify === undefined ? undefined : (note) => {
          // A caller that cancelled (or already has its answer) is not told the peer is silent.
          if (cancelWanted === undefined && !settled) notify(note);
        }, (error) => tx.transportFailed(error));
        const tx = core.layer.sendRequest(invite, transport, destination, {
          onResponse: (response) => {
            unanswered.stop();
            if (response.status < 200) {
              if (!provisional && cancelWanted === undefined && waitMs > 0 && waitTimer === undefined) {
                waitTimer = core.clock.setTimeout(() => {
                  waitTimer = undefined;
                  const seconds = Math.round(waitMs / 100) / 10;
                  timedOut = new CpmError('ERR_SIP_INVITE_TIMEOUT', `INVITE ${target}: ${response.status} ${response.reason} and then no final response within ${seconds} s; cancelled`);
                  cancelWanted = `no final response within ${seconds} s`;
                  cancelCurrent?.();
                }, waitMs);
              }
              provisional = true;
              if (cancelWanted !== undefined) sendCancel();
              const onProgress = options.onProgress;
              if (response.status > 100 && onProgress !== undefined) core.guard('onProgress', transport, () => onProgress(response));
              return;
            }
            stopWaiting();
            if (response.status < 300) {
              const existing = core.uacDialogFor(response);
              if (existing !== undefined) {
                // A retransmitted 2xx: RFC 3261 §13.2.2.4 says to send the same ACK again.
                resendAck(core, existing);
                return;
              }
              const dialog = Dialog.fromUac(invite, response, transport);
              if (dialog === undefined) {
                if (!settled) fail(new CpmError('ERR_SIP_PARSE', 'cannot create a dialog from the 2xx (missing tags or Contact)'));
                return;
              }
              core.dialogs.set(dialog.key, dialog);
              sendAck(core, dialog, dialog.inviteSeq, response);
              // A forked INVITE may bring 2xx from several UASs; only the first reaches this point. The
              // others arrive after the transaction is a finished record and are ACKed and released with
              // BYE by the UA core (uac-forked-answer.ts).
              if (settled) return;
              if (cancelWanted !== undefined) {
                // §9.1 race: the 2xx crossed our CANCEL; the session is ACKed and closed at once.
                void sendBye(core, dialog).catch(() => undefined);
                finish({ kind: 'rejected', response, cancelled: true });
                return;
              }
              settle({ kind: 'accepted', dialog, response });
              return;
            }
            if (settled || done) return;
            done = true;
            const rejected = (): void => finish({ kind: 'rejected', response, cancelled: cancelWanted !== undefined });
            const step = stepAfter(core, response, chain, index + 1 < hops.length);
            if (step.kind === 'authenticate') again(attempt, rejected);
            else if (step.kind === 'next-hop' && !provisional) {
              index += 1;
              again(attempt, rejected);
            } else if (step.kind === 'error') fail(step.error);
            else rejected();
          },
          onTimeout: () => { unanswered.stop(); stopWaiting(); failOver(new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to INVITE ${target} (Timer B)`)); },
          onTransportError: (error) => { unanswered.stop(); stopWaiting(); failOver(error); },
        });
      };
      attempt();
    }, fail);
  });
  const pending = promise as PendingInvite;
  Object.defineProperty(pending, 'request', { get: () => request });
  Object.defineProperty(pending, 'cancel', {
    value: (reason?: string) => {
      cancelWanted = reason ?? 'cancelled';
      cancelCurrent?.();
    },
  });
  return pending;
}
