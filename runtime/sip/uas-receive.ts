// The server half of a user agent: where every received message goes (RFC 3261 §8.2, §17.2.3):
// responses to their client transaction, ACKs to their transaction or dialog, CANCEL to the INVITE
// it cancels, requests checked (416, 405, 420, 400) and handed to the application.

import { createResponseTo } from './syntax/build-response.ts';
import { parseCSeq } from './syntax/cseq.ts';
import { parseNameAddr } from './syntax/name-addr.ts';
import type { SipMessage, SipRequest } from './syntax/sip-message.ts';
import { isSipScheme, parseSipUri } from './syntax/sip-uri.ts';
import type { MessageSource } from './transport/sip-transport.ts';
import { newTag } from './sip-ids.ts';
import { IncomingInviteImpl, offerInvite } from './incoming-invite.ts';
import { endForkedAnswer } from './uac-forked-answer.ts';
import { resendAck } from './uac-in-dialog.ts';
import { receiveInDialog } from './uas-in-dialog.ts';
import type { UaCore } from './user-agent-core.ts';
import type { HeaderList } from './user-agent-types.ts';

export function receiveMessage(core: UaCore, message: SipMessage, source: MessageSource): void {
  if (core.closed) return;
  try {
    dispatch(core, message, source);
  } catch (error) {
    // Last line of defence for anything not guarded closer to the callback: report, and answer a
    // request whose server transaction has no final response yet with 500 (RFC 3261 §21.5.1).
    core.reportCallbackError(`handling ${message.kind === 'request' ? message.method : `${message.status} response`}`, source.transport, error);
    if (message.kind !== 'request' || message.method === 'ACK') return;
    const tx = core.layer.findServerTransaction(message);
    // Past Trying and Proceeding a final response has gone out; the request is answered.
    if (tx === undefined || (tx.state !== 'trying' && tx.state !== 'proceeding')) return;
    const incoming = core.incoming.get(tx);
    try {
      if (incoming !== undefined && !incoming.answered) incoming.reject(500, 'Server Internal Error');
      else if (incoming === undefined) tx.respond(createResponseTo(message, 500, { toTag: newTag(), headers: core.serverHeaders([]) }));
    } catch (inner) {
      core.reportCallbackError('answering 500', source.transport, inner);
    }
  }
}

function dispatch(core: UaCore, message: SipMessage, source: MessageSource): void {
  core.log('received', message, source.transport, source);
  if (message.kind === 'response') {
    // RFC 3261 §17.1.3: responses go to their client transaction; a 2xx to INVITE that arrives
    // after the transaction ended is handled by the UA core as a retransmission (§13.2.2.4).
    if (core.layer.receiveResponse(message)) return;
    const cseq = parseCSeq(message.headers.get('CSeq') ?? '');
    if (cseq.ok && cseq.value.method === 'INVITE' && message.status >= 200 && message.status < 300) {
      const dialog = core.uacDialogFor(message);
      if (dialog !== undefined) resendAck(core, dialog);
      else if (core.layer.hasClientTransactionFor(message)) endForkedAnswer(core, message, source.transport);
    }
    return;
  }
  receiveRequest(core, message, source);
}

function receiveRequest(core: UaCore, request: SipRequest, source: MessageSource): void {
  if (request.method === 'ACK') {
    // RFC 3261 §17.2.3: an ACK for a non-2xx matches the INVITE server transaction.
    const tx = core.layer.findServerTransaction(request);
    if (tx !== undefined) {
      tx.receiveRequest(request);
      return;
    }
    // RFC 3261 §13.3.1.4: the ACK for our 2xx is a request within the dialog and stops the
    // 2xx retransmissions. ACKs matching nothing are dropped (never answered).
    const dialog = core.dialogForRequest(request);
    if (dialog === undefined) return;
    const retransmitter = core.awaitingAck.get(dialog.key);
    if (retransmitter !== undefined) {
      retransmitter.stop();
      core.awaitingAck.delete(dialog.key);
      const onAck = core.options.delegate?.onAck;
      if (onAck !== undefined) core.guard('onAck', source.transport, () => onAck.call(core.options.delegate, dialog, request));
    }
    return;
  }

  // RFC 3261 §17.2.3: a retransmitted request is handled by its existing server transaction.
  const existing = core.layer.findServerTransaction(request);
  if (existing !== undefined) {
    existing.receiveRequest(request);
    return;
  }
  const tx = core.layer.createServerTransaction(request, source);
  const reply = (status: number, extra: HeaderList = [], reason?: string): void =>
    tx.respond(
      createResponseTo(request, status, {
        toTag: newTag(),
        headers: core.serverHeaders(extra),
        ...(reason !== undefined ? { reason } : {}),
      }),
    );

  if (request.method === 'CANCEL') {
    receiveCancel(core, request, reply);
    return;
  }
  // RFC 3261 §8.2.2.1: a Request-URI scheme we do not understand is answered 416.
  if (!isSipScheme(request.uri)) {
    reply(416);
    return;
  }
  // RFC 3261 §8.2.1: an unsupported method gets 405 listing the ones we allow.
  if (!core.allowed.includes(request.method)) {
    reply(405, [{ name: 'Allow', value: core.allowed.join(', ') }]);
    return;
  }
  // RFC 3261 §8.2.2.3: option tags in Require that we do not support get 420 with Unsupported.
  const required = request.headers.getAll('Require').flatMap((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
  const unsupported = required.filter((tag) => !(core.options.supported ?? []).includes(tag));
  if (unsupported.length > 0) {
    reply(420, [{ name: 'Unsupported', value: unsupported.join(', ') }]);
    return;
  }
  const to = parseNameAddr(request.headers.get('To') ?? '');
  const from = parseNameAddr(request.headers.get('From') ?? '');
  const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
  if (!to.ok || !from.ok || !cseq.ok) {
    reply(400, [], 'Bad Request (unparsable To, From or CSeq)');
    return;
  }
  if (to.value.params['tag'] != null) {
    receiveInDialog(core, request, tx, source, cseq.value.seq, reply);
    return;
  }
  switch (request.method) {
    case 'INVITE': {
      // RFC 3261 §8.2.2.1: a Request-URI that is not ours (neither our AOR nor a bound Contact,
      // when the application asks for the check) is answered 404.
      const check = core.requestUriCheck;
      if (check !== undefined) {
        const uri = parseSipUri(request.uri);
        if (!uri.ok || !check(uri.value)) {
          reply(404, [], 'Not Found (not an address of this user agent)');
          return;
        }
      }
      if (!request.headers.has('Contact')) {
        // RFC 3261 §8.1.1.8: an INVITE must carry a Contact; without one no dialog can exist.
        reply(400, [], 'Bad Request (missing Contact)');
        return;
      }
      const incoming = new IncomingInviteImpl(core, request, source, tx, undefined);
      core.incoming.set(tx, incoming);
      const onInvite = core.options.delegate?.onInvite;
      if (onInvite === undefined) incoming.reject(480);
      else offerInvite(core, 'onInvite', incoming, () => onInvite.call(core.options.delegate, incoming));
      return;
    }
    case 'OPTIONS':
      // RFC 3261 §11.2: answer OPTIONS as we would an INVITE, listing our capabilities.
      reply(200, [
        { name: 'Allow', value: core.allowed.join(', ') },
        { name: 'Accept', value: 'application/sdp, multipart/mixed' },
      ]);
      return;
    default:
      // RFC 3261 §12.2.2 / §15.1.2: a BYE (or other dialog request) without a To tag matches no dialog.
      reply(481);
  }
}

function receiveCancel(core: UaCore, cancel: SipRequest, reply: (status: number, extra?: HeaderList) => void): void {
  // RFC 3261 §9.2: CANCEL targets the INVITE server transaction with the same branch/sent-by.
  const inviteTx = core.layer.findServerTransaction(cancel, 'INVITE');
  const incoming = inviteTx === undefined ? undefined : core.incoming.get(inviteTx);
  if (inviteTx === undefined || incoming === undefined) {
    reply(481);
    return;
  }
  // §9.2: the CANCEL itself is answered 200; if the INVITE is still unanswered it gets 487.
  reply(200);
  if (!incoming.answered) {
    incoming.markCancelled();
    inviteTx.respond(createResponseTo(incoming.request, 487, { toTag: incoming.localTag, headers: core.serverHeaders([]) }));
    core.incoming.delete(inviteTx);
    const onCancel = core.options.delegate?.onCancel;
    if (onCancel !== undefined) core.guard('onCancel', incoming.source.transport, () => onCancel.call(core.options.delegate, incoming, cancel));
  }
}

