// The server half of a user agent answering an INVITE or re-INVITE (RFC 3261 §13.3, §14.2): the
// `IncomingInvite` the application holds, its provisional and final responses, and the 2xx kept
// retransmitted until the ACK comes (§13.3.1.4).

import { CpmError } from '../errors.ts';
import { Dialog } from './dialog/dialog.ts';
import { Uas2xxRetransmitter } from './dialog/uas-2xx-retransmitter.ts';
import { newTag } from './sip-ids.ts';
import { createResponseTo } from './syntax/build-response.ts';
import type { SipRequest } from './syntax/sip-message.ts';
import type { ServerTransaction } from './transaction/transaction-env.ts';
import type { MessageSource } from './transport/sip-transport.ts';
import { sendBye } from './uac-in-dialog.ts';
import { toBuffer, type UaCore } from './user-agent-core.ts';
import type { HeaderList, IncomingInvite } from './user-agent-types.ts';

export class IncomingInviteImpl implements IncomingInvite {
  readonly localTag: string;
  #cancelled = false;
  #answered = false;

  constructor(
    private readonly core: UaCore,
    readonly request: SipRequest,
    readonly source: MessageSource,
    readonly tx: ServerTransaction,
    /** Set for a re-INVITE. */
    readonly dialog: Dialog | undefined,
  ) {
    this.localTag = dialog?.id.localTag ?? newTag();
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get answered(): boolean {
    return this.#answered;
  }

  markCancelled(): void {
    this.#cancelled = true;
    this.#answered = true;
  }

  #check(): void {
    if (this.#answered) throw new CpmError('ERR_SIP_INVALID_STATE', this.#cancelled ? 'the INVITE was cancelled' : 'the INVITE was already answered');
  }

  progress(status = 180, reason?: string, headers: HeaderList = []): void {
    this.#check();
    if (status <= 100 || status >= 200) throw new CpmError('ERR_SIP_INVALID_STATUS', `progress() needs a 101-199 status, got ${status}`);
    answerNon2xx(this.core, this, status, reason, headers);
  }

  accept(body?: Buffer | string, contentType?: string, headers: HeaderList = []): Dialog {
    this.#check();
    this.#answered = true;
    return answerInvite(this.core, this, toBuffer(body), contentType, headers);
  }

  reject(status: number, reason?: string, headers: HeaderList = []): void {
    this.#check();
    if (status < 300 || status > 699) throw new CpmError('ERR_SIP_INVALID_STATUS', `reject() needs a 300-699 status, got ${status}`);
    this.#answered = true;
    answerNon2xx(this.core, this, status, reason, headers);
  }
}

/** Sends the 2xx for an INVITE and makes sure it arrives (RFC 3261 §13.3.1.4). */
export function answerInvite(core: UaCore, incoming: IncomingInviteImpl, body: Buffer, contentType: string | undefined, extra: HeaderList): Dialog {
  const headers: { name: string; value: string }[] = [{ name: 'Contact', value: core.contact(incoming.source.transport) }, { name: 'Allow', value: core.allowed.join(', ') }];
  headers.push(...core.serverHeaders(extra));
  if (body.length > 0) headers.push({ name: 'Content-Type', value: contentType ?? 'application/sdp' });
  // RFC 3261 §12.1.1: the 2xx copies the INVITE's Record-Route headers.
  for (const rr of incoming.request.headers.getAll('Record-Route')) headers.push({ name: 'Record-Route', value: rr });
  const response = createResponseTo(incoming.request, 200, { toTag: incoming.localTag, headers, body });
  let dialog = incoming.dialog;
  if (dialog === undefined) {
    dialog = Dialog.fromUas(incoming.request, incoming.localTag, incoming.source.transport, incoming.source);
    if (dialog === undefined) throw new CpmError('ERR_SIP_PARSE', 'cannot create a dialog from this INVITE');
    core.dialogs.set(dialog.key, dialog);
  } else {
    // RFC 3261 §12.2.2: a re-INVITE is a target refresh request.
    dialog.refreshTarget(incoming.request);
    dialog.incomingInvitePending = false;
  }
  incoming.tx.respond(response);
  core.incoming.delete(incoming.tx);
  const d = dialog;
  core.awaitingAck.get(d.key)?.stop();
  core.awaitingAck.set(
    d.key,
    new Uas2xxRetransmitter(
      core.clock,
      core.timers,
      () => incoming.tx.respond(response),
      () => {
        // §13.3.1.4: no ACK after 64*T1: confirm the session dead with a BYE.
        core.awaitingAck.delete(d.key);
        if (d.state === 'terminated') return;
        void sendBye(core, d).catch(() => undefined);
        core.notifyTerminated(d, 'no ACK for 2xx');
      },
    ),
  );
  return d;
}

export function answerNon2xx(core: UaCore, incoming: IncomingInviteImpl, status: number, reason: string | undefined, extra: HeaderList): void {
  incoming.tx.respond(
    createResponseTo(incoming.request, status, {
      toTag: incoming.localTag,
      headers: [...(status < 200 ? [{ name: 'Contact', value: core.contact(incoming.source.transport) }] : []), ...core.serverHeaders(extra)],
      ...(reason !== undefined ? { reason } : {}),
    }),
  );
  if (status >= 200) {
    core.incoming.delete(incoming.tx);
    if (incoming.dialog !== undefined) incoming.dialog.incomingInvitePending = false;
  }
}

/** Hands an INVITE / re-INVITE to the application; one that throws before answering gets 500. */
export function offerInvite(core: UaCore, what: string, incoming: IncomingInviteImpl, call: () => void): void {
  if (core.guard(what, incoming.source.transport, call) || incoming.answered) return;
  // RFC 3261 §21.5.1: 500 is the answer for an unexpected condition inside the server.
  incoming.reject(500, 'Server Internal Error');
}
