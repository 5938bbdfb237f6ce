// Vocabulary event `transfer-cancelled` (sender, phase cancel).
import { defineEvent } from '../define.ts';

/** Large enough that the default chunk size and window cannot finish the file before the cancel. */
const cancelledFileSize = 24 * 1024 * 1024;

export const transferCancelledEvent = defineEvent({
  name: 'transfer-cancelled',
  role: 'sender',
  phase: 'cancel',
  summary: 'The user cancelled the transfer while a file was being sent.',
  api: 'OutgoingTransfer.cancel(reason) and the AbortSignal of client.send(..., { signal })',
  // The peer stops reading after the first chunk of the file (its window and the socket buffers
  // then hold the sender back); the scenario cancels, then lets the peer read on.
  raise: (setup) => {
    setup.fileSize = cancelledFileSize;
    setup.script = { ...setup.script, holdAfterFirstChunk: true };
    setup.act = async (transfer, peer) => {
      await peer.whenMsrpHeld();
      const cancelled = transfer.cancel('cancelled by the conformance scenario');
      peer.resumeMsrp();
      await cancelled;
    };
  },
});
