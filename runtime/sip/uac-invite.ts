// The client half of a user agent for a new INVITE (RFC 3261 §8.1, §13.2) and its CANCEL (§9.1).

import { CpmError } from '../errors.ts';
import { Dialog } from './dialog/dialog.ts';
import { resolveNextHop } from './request-routing.ts';
import { newCallId, newTag } from './sip-ids.ts';
import { parseCSeq } from './syntax/cseq.ts';
import { quote } from './syntax/parse-params.ts';
import { SipHeaders } from './syntax/sip-headers.ts';
import { createRequest, type SipRequest } from './syntax/sip-message.ts';
import { formatSipUri, parseSipUri } from './syntax/sip-uri.ts';
import { resendAck, sendAck, sendBye } from './uac-in-dialog.ts';
import { toBuffer, type UaCore } from './user-agent-core.ts';
import type { InviteOptions, InviteResult, PendingInvite } from './user-agent-types.ts';

export function sendInvite(core: UaCore, target: string, options: InviteOptions = {}): PendingInvite {
  let cancelWanted: string | undefined;
  let cancelFn: (reason?: string) => void = (reason) => {
    cancelWanted = reason ?? 'cancelled';
  };
  let request: SipRequest | undefined;
  const promise = new Promise<InviteResult>((resolve, reject) => {
    const targetUri = parseSipUri(target);
    if (!targetUri.ok) {
      reject(targetUri.error);
      return;
    }
    const headers = new SipHeaders();
    // RFC 3261 §8.1.1: the mandatory headers of a new request.
    const fromTag = newTag();
    const first = core.options.transports[0]!;
    const display = core.options.displayName === undefined ? '' : `${quote(core.options.displayName)} `;
    headers.append('Max-Forwards', '70');
    headers.append('From', `${display}<${core.options.localUri}>;tag=${fromTag}`);
    headers.append('To', options.to ?? `<${target}>`);
    headers.append('Call-ID', newCallId(first.advertisedHost));
    headers.append('CSeq', `${Math.floor(Math.random() * 2 ** 16) + 1} INVITE`);
    // RFC 3261 §8.1.2: with an outbound proxy the request keeps the target as Request-URI and
    // gets the proxy as a loose-routing Route header, so it is sent to the proxy.
    if (core.proxy !== undefined) headers.append('Route', `<${formatSipUri({ ...core.proxy, params: { ...core.proxy.params, lr: null } })}>`);
    headers.append('Allow', core.allowed.join(', '));
    core.common(headers);
    for (const h of options.headers ?? []) headers.append(h.name, h.value);
    const body = toBuffer(options.body);
    if (body.length > 0) headers.set('Content-Type', options.contentType ?? 'application/sdp');
    const invite = createRequest('INVITE', target, headers, body);
    const hop = resolveNextHop(invite, core.options.transports);
    if (!hop.ok) {
      reject(hop.error);
      return;
    }
    const { transport, destination } = hop.value;
    invite.headers.prepend('Via', core.via(transport));
    invite.headers.set('Contact', core.contact(transport));
    request = invite;

    let provisional = false;
    let cancelSent = false;
    let settled = false;
    const sendCancel = (): void => {
      if (cancelSent || settled) return;
      cancelSent = true;
      // RFC 3261 §9.1: CANCEL copies Request-URI, Call-ID, To, From, the CSeq number and the
      // top Via (same branch) and the Route headers of the INVITE; it is its own non-INVITE
      // transaction sent to the same destination.
      const h = new SipHeaders();
      h.append('Via', invite.headers.get('Via') ?? '');
      for (const r of invite.headers.getAll('Route')) h.append('Route', r);
      h.append('Max-Forwards', '70');
      h.append('From', invite.headers.get('From') ?? '');
      h.append('To', invite.headers.get('To') ?? '');
      h.append('Call-ID', invite.headers.get('Call-ID') ?? '');
      const cseq = parseCSeq(invite.headers.get('CSeq') ?? '');
      h.append('CSeq', `${cseq.ok ? cseq.value.seq : 1} CANCEL`);
      if (cancelWanted !== undefined && cancelWanted !== 'cancelled') h.append('Reason', `SIP;text=${quote(cancelWanted)}`);
      core.layer.sendRequest(createRequest('CANCEL', invite.uri, h), transport, destination, {
        onResponse: () => undefined,
        onTimeout: () => undefined,
        onTransportError: () => undefined,
      });
    };
    cancelFn = (reason) => {
      cancelWanted = reason ?? 'cancelled';
      // RFC 3261 §9.1: a CANCEL must not be sent before a provisional response arrived.
      if (provisional) sendCancel();
    };

    // The transaction keeps these callbacks until it ends, up to 32 s after the final response
    // (RFC 6026 Timer M, Timer D): once the caller has its answer they must not hold the promise,
    // and through it the dialog and the response, so its settle functions are dropped then.
    let outcome: { readonly resolve: (result: InviteResult) => void; readonly reject: (error: unknown) => void } | undefined = { resolve, reject };
    const settle = (result: InviteResult): void => {
      const o = outcome;
      outcome = undefined;
      o?.resolve(result);
    };
    const fail = (error: unknown): void => {
      const o = outcome;
      outcome = undefined;
      o?.reject(error);
    };
    core.layer.sendRequest(invite, transport, destination, {
      onResponse: (response) => {
        if (response.status < 200) {
          provisional = true;
          if (cancelWanted !== undefined) sendCancel();
          const onProgress = options.onProgress;
          if (response.status > 100 && onProgress !== undefined) core.guard('onProgress', transport, () => onProgress(response));
          return;
        }
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
            settled = true;
            return;
          }
          core.dialogs.set(dialog.key, dialog);
          sendAck(core, dialog, dialog.inviteSeq);
          // TODO(RFC 3261 §13.2.2.4): a forked INVITE may bring 2xx from several UASs; each
          // creates its own dialog here but only the first is reported to the caller.
          if (settled) return;
          settled = true;
          if (cancelWanted !== undefined) {
            // §9.1 race: the 2xx crossed our CANCEL; the session is ACKed and closed at once.
            void sendBye(core, dialog).catch(() => undefined);
            settle({ kind: 'rejected', response, cancelled: true });
            return;
          }
          settle({ kind: 'accepted', dialog, response });
          return;
        }
        if (settled) return;
        settled = true;
        settle({ kind: 'rejected', response, cancelled: cancelWanted !== undefined });
      },
      onTimeout: () => {
        if (settled) return;
        settled = true;
        fail(new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to INVITE ${target} (Timer B)`));
      },
      onTransportError: (error) => {
        if (settled) return;
        settled = true;
        fail(error);
      },
    });
  });
  const pending = promise as PendingInvite;
  Object.defineProperty(pending, 'request', { get: () => request });
  Object.defineProperty(pending, 'cancel', { value: (reason?: string) => cancelFn(reason) });
  return pending;
}
