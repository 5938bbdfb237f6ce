// The server half of a user agent inside a dialog (RFC 3261 §12.2.2, §14.2, §15.1.2, RFC 6665
// §4.5.2): re-INVITE, BYE, OPTIONS and the methods the application registered.

import { createResponseTo } from './syntax/build-response.ts';
import { ownBytes, unshared } from './syntax/own-bytes.ts';
import type { SipRequest } from './syntax/sip-message.ts';
import type { ServerTransaction } from './transaction/transaction-env.ts';
import type { MessageSource } from './transport/sip-transport.ts';
import { IncomingInviteImpl, offerInvite } from './incoming-invite.ts';
import type { UaCore } from './user-agent-core.ts';
import type { HeaderList } from './user-agent-types.ts';

export function receiveInDialog(core: UaCore, request: SipRequest, tx: ServerTransaction, source: MessageSource, seq: number, reply: (status: number, extra?: HeaderList, reason?: string) => void): void {
  const dialog = core.dialogForRequest(request);
  // RFC 3261 §12.2.2: a request with a To tag that matches no dialog is answered 481.
  if (dialog === undefined) {
    reply(481);
    return;
  }
  // RFC 3261 §12.2.2: a CSeq lower than the remote sequence number is out of order: 500.
  // A new transaction with an equal number is out of order too (retransmissions matched earlier).
  if (dialog.remoteSeq !== undefined && seq <= dialog.remoteSeq) {
    reply(500, [], 'Server Internal Error (CSeq out of order)');
    return;
  }
  dialog.remoteSeq = seq;
  const replyInDialog = (status: number, extra: HeaderList = []): void => tx.respond(createResponseTo(request, status, { headers: core.serverHeaders(extra) }));
  switch (request.method) {
    case 'INVITE': {
      // RFC 3261 §14.2: a re-INVITE arriving while our own re-INVITE is pending gets 491; one
      // arriving while an earlier incoming re-INVITE is unanswered gets 500 with Retry-After.
      if (dialog.outgoingInvitePending) {
        replyInDialog(491);
        return;
      }
      if (dialog.incomingInvitePending) {
        replyInDialog(500, [{ name: 'Retry-After', value: String(Math.floor(Math.random() * 10)) }]);
        return;
      }
      dialog.incomingInvitePending = true;
      const incoming = new IncomingInviteImpl(core, request, source, tx, dialog);
      core.incoming.set(tx, incoming);
      const onReinvite = core.options.delegate?.onReinvite;
      if (onReinvite === undefined) incoming.reject(488);
      else offerInvite(core, 'onReinvite', incoming, () => onReinvite.call(core.options.delegate, dialog, incoming));
      return;
    }
    case 'BYE':
      // RFC 3261 §15.1.2: a BYE is answered 200 and ends the dialog and session.
      replyInDialog(200);
      core.terminateDialog(dialog, 'BYE received', false);
      const onBye = core.options.delegate?.onBye;
      if (onBye !== undefined) core.guard('onBye', source.transport, () => onBye.call(core.options.delegate, dialog, request));
      return;
    case 'OPTIONS':
      replyInDialog(200, [{ name: 'Allow', value: core.allowed.join(', ') }]);
      return;
    default:
      // RFC 6665 §4.5.2: SUBSCRIBE / NOTIFY may share the INVITE dialog (dialog reuse); the
      // application answers the methods it registered in `dialogMethods`.
      const onDialogRequest = core.options.delegate?.onDialogRequest;
      if ((core.options.dialogMethods ?? []).includes(request.method) && onDialogRequest !== undefined) {
        let answered = false;
        const handed = core.guard(`onDialogRequest(${request.method})`, source.transport, () => onDialogRequest.call(core.options.delegate, dialog, {
          request,
          source,
          respond: (status, reason, headers = [], body, contentType) => {
            if (answered) return;
            answered = true;
            const extra = [...headers];
            if (contentType !== undefined) extra.push({ name: 'Content-Type', value: contentType });
            tx.respond(createResponseTo(request, status, {
              headers: core.serverHeaders(extra),
              ...(reason !== undefined ? { reason } : {}),
              ...(body !== undefined ? { body: typeof body === 'string' ? ownBytes(body) : unshared(body) } : {}),
            }));
          },
        }));
        // RFC 3261 §21.5.1: the application failed before answering; 500 ends the transaction.
        if (!handed && !answered) {
          answered = true;
          replyInDialog(500);
        }
        return;
      }
      replyInDialog(405, [{ name: 'Allow', value: core.allowed.join(', ') }]);
  }
}

