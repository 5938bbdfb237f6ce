// The client half of a user agent inside a dialog (RFC 3261 §12.2.1, §13.2.2.4, §14.1, §15.1.1):
// ACKs for 2xx, re-INVITE, BYE and the other in-dialog requests.

import { CpmError, ok, type Result } from '../errors.ts';
import type { Dialog } from './dialog/dialog.ts';
import type { AuthChain } from './digest-authenticator.ts';
import { resolveNextHop, type NextHop } from './request-routing.ts';
import type { SipRequest, SipResponse } from './syntax/sip-message.ts';
import { cseqOf, stepAfter } from './uac-attempts.ts';
import { toBuffer, type UaCore } from './user-agent-core.ts';
import type { HeaderList, InDialogResult } from './user-agent-types.ts';

/**
 * RFC 3261 §13.2.2.4: the ACK for a 2xx goes straight to the transport, outside any transaction.
 * The INVITE's transaction (in Accepted, RFC 6026) keeps a serialized copy and sends it again for
 * each retransmission of `response`, so they are ACKed even after the dialog has ended.
 */
export function sendAck(core: UaCore, dialog: Dialog, seq: number, response: SipResponse): void {
  const ack = dialog.createAck(seq);
  const hop = sendOutsideTransaction(core, dialog, ack);
  if (hop !== undefined) core.layer.rememberAck(response, dialog.id.remoteTag, ack, hop.transport, hop.destination);
  let acks = core.sentAcks.get(dialog.key);
  if (acks === undefined) core.sentAcks.set(dialog.key, (acks = new Map()));
  acks.set(seq, ack);
}

export function resendAck(core: UaCore, dialog: Dialog): void {
  const ack = core.sentAcks.get(dialog.key)?.get(dialog.inviteSeq);
  if (ack !== undefined) sendOutsideTransaction(core, dialog, ack, false);
}

/**
 * The next hop of a request in `dialog`. A UAS whose peer reached it directly (no route set) over a
 * connection that is still open sends back over that connection, as RFC 5923 connection reuse and
 * RFC 5626 flows do: a new connection to the peer's Contact needs, over TLS, the peer's certificate
 * to be trusted (a peer that only trusts ours would never hear our BYE and its Reason), and a
 * peer behind NAT cannot accept one at all. Otherwise the request goes where RFC 3261 §12.2.1.1 says.
 */
function inDialogHop(core: UaCore, dialog: Dialog, request: SipRequest): Result<NextHop> {
  const hop = resolveNextHop(request, core.options.transports, dialog.transport);
  const flow = dialog.flow;
  // Only the peer's own connection: one from elsewhere (a proxy that did not Record-Route, whose
  // address is not the Contact's host) is not used, and the request goes by its Request-URI.
  if (!hop.ok || flow === undefined || dialog.routeSet.length > 0 || hop.value.transport !== dialog.transport || hop.value.destination.host !== flow.host) return hop;
  return dialog.transport.hasConnection?.(flow) === true ? ok({ transport: dialog.transport, destination: flow }) : hop;
}

function sendOutsideTransaction(core: UaCore, dialog: Dialog, request: SipRequest, addVia = true): NextHop | undefined {
  const hop = inDialogHop(core, dialog, request);
  if (!hop.ok) return undefined;
  if (addVia) request.headers.prepend('Via', core.via(hop.value.transport));
  core.send(request, hop.value.transport, hop.value.destination).catch(() => undefined);
  return hop.value;
}

/**
 * Sends a request built by the dialog through a new client transaction. A 401/407 is answered
 * once per challenge with a fresh request from `make` (a new CSeq in the dialog, RFC 3261 §22.2).
 */
function sendInDialog(
  core: UaCore,
  dialog: Dialog,
  make: () => SipRequest,
  onFinal: (response: SipResponse, request: SipRequest) => void,
  onError: (error: CpmError) => void,
): void {
  const chain: AuthChain = new Set();
  const attempt = (request: SipRequest): void => {
    const hop = inDialogHop(core, dialog, request);
    if (!hop.ok) {
      onError(hop.error);
      return;
    }
    request.headers.prepend('Via', core.via(hop.value.transport));
    core.common(request.headers);
    if (request.method === 'INVITE') request.headers.set('Contact', core.contact(hop.value.transport));
    core.auth?.authorize(request);
    let answered = false;
    core.layer.sendRequest(request, hop.value.transport, hop.value.destination, {
      onResponse: (response) => {
        if (response.status < 200) return;
        if (!answered && (response.status === 401 || response.status === 407)) {
          answered = true;
          const step = stepAfter(core, response, chain, false);
          if (step.kind === 'authenticate') {
            attempt(make());
            return;
          }
          if (step.kind === 'error') {
            onError(step.error);
            return;
          }
        }
        onFinal(response, request);
      },
      onTimeout: () => onError(new CpmError('ERR_SIP_TRANSACTION_TIMEOUT', `no final response to ${request.method} in dialog ${dialog.id.callId}`)),
      onTransportError: onError,
    });
  };
  attempt(make());
}

export function sendReinvite(core: UaCore, dialog: Dialog, body?: Buffer | string, contentType?: string, headers?: HeaderList): Promise<InDialogResult> {
  return new Promise((resolve, reject) => {
    if (dialog.state === 'terminated') {
      reject(new CpmError('ERR_SIP_DIALOG_TERMINATED', 'the dialog has ended'));
      return;
    }
    // RFC 3261 §14.1: no new re-INVITE while one is in progress in either direction.
    if (dialog.outgoingInvitePending || dialog.incomingInvitePending) {
      reject(new CpmError('ERR_SIP_REQUEST_PENDING', 'an INVITE transaction is already in progress in this dialog'));
      return;
    }
    const bodyBuf = toBuffer(body);
    const make = (): SipRequest =>
      dialog.createRequest('INVITE', {
        body: bodyBuf,
        ...(bodyBuf.length > 0 ? { contentType: contentType ?? 'application/sdp' } : {}),
        ...(headers !== undefined ? { headers } : {}),
      });
    dialog.outgoingInvitePending = true;
    let done = false;
    sendInDialog(
      core,
      dialog,
      make,
      (response, request) => {
        const seq = cseqOf(request);
        if (response.status < 300) {
          // RFC 3261 §14.1: ACK every 2xx (also retransmissions) with the re-INVITE's CSeq number.
          if (done) {
            resendAck(core, dialog);
            return;
          }
          dialog.refreshTarget(response);
          sendAck(core, dialog, seq, response);
        }
        if (done) return;
        done = true;
        dialog.outgoingInvitePending = false;
        // RFC 3261 §12.2.1.2 / §14.1: 481 or 408 to a re-INVITE means the dialog is gone.
        if (response.status === 481 || response.status === 408) core.terminateDialog(dialog, `${response.status} to re-INVITE`);
        resolve({ response });
      },
      (error) => {
        dialog.outgoingInvitePending = false;
        if (error.code === 'ERR_SIP_TRANSACTION_TIMEOUT') core.terminateDialog(dialog, 're-INVITE timed out');
        reject(error);
      },
    );
  });
}

export function sendBye(core: UaCore, dialog: Dialog, headers?: HeaderList): Promise<InDialogResult> {
  if (dialog.state === 'terminated' && !core.dialogs.has(dialog.key)) {
    return Promise.reject(new CpmError('ERR_SIP_DIALOG_TERMINATED', 'the dialog has ended'));
  }
  const make = (): SipRequest => dialog.createRequest('BYE', headers === undefined ? {} : { headers });
  const first = make();
  // RFC 3261 §15.1.1: the session and dialog end as soon as the BYE is sent.
  core.terminateDialog(dialog, 'BYE sent', false);
  let pending: SipRequest | undefined = first;
  const next = (): SipRequest => {
    const request = pending ?? make();
    pending = undefined;
    return request;
  };
  return new Promise((resolve, reject) => sendInDialog(core, dialog, next, (response) => resolve({ response }), reject));
}

export function sendDialogRequest(
  core: UaCore,
  dialog: Dialog,
  method: string,
  options: { body?: Buffer | string; contentType?: string; headers?: HeaderList } = {},
): Promise<InDialogResult> {
  if (method === 'INVITE' || method === 'ACK' || method === 'CANCEL' || method === 'BYE') {
    return Promise.reject(new CpmError('ERR_SIP_INVALID_METHOD', `use the dedicated method for ${method}`));
  }
  const body = toBuffer(options.body);
  const make = (): SipRequest =>
    dialog.createRequest(method, {
      body,
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
    });
  return new Promise((resolve, reject) =>
    sendInDialog(
      core,
      dialog,
      make,
      (response) => {
        if (response.status === 481 || response.status === 408) core.terminateDialog(dialog, `${response.status} to ${method}`);
        resolve({ response });
      },
      reject,
    ),
  );
}
