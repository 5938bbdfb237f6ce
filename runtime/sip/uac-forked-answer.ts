// A forked INVITE can be accepted by more than one UAS. The first 2xx becomes the session; any later 2xx
// with another To tag reaches the UA core unmatched (the INVITE's finished record re-ACKs only the 2xx it
// knows). RFC 3261 §13.2.2.4 asks the UAC to ACK every 2xx, and a UAC that wants one session releases
// the others: so each extra answer gets its ACK, then a BYE. Only answers to an INVITE of ours whose
// transaction record is still alive are handled, so a stray 2xx cannot make us send requests anywhere.

import { Dialog } from './dialog/dialog.ts';
import type { SipResponse } from './syntax/sip-message.ts';
import type { SipTransport } from './transport/sip-transport.ts';
import { sendAck, sendBye } from './uac-in-dialog.ts';
import type { UaCore } from './user-agent-core.ts';

export function endForkedAnswer(core: UaCore, response: SipResponse, transport: SipTransport): void {
  const dialog = Dialog.fromForkedAnswer(response, transport);
  if (dialog === undefined) return;
  core.dialogs.set(dialog.key, dialog);
  // The record learns this ACK too, so retransmissions of this 2xx are ACKed again without us.
  sendAck(core, dialog, dialog.inviteSeq, response);
  void sendBye(core, dialog).catch(() => undefined);
}
