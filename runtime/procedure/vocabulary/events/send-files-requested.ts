// Vocabulary event `send-files-requested` (sender, phase set-up).
import { defineEvent } from '../define.ts';

export const sendFilesRequestedEvent = defineEvent({
  name: 'send-files-requested',
  role: 'sender',
  phase: 'set-up',
  summary: 'The user asked the client to send one or more files to a destination.',
  api: 'OutgoingTransfer: client.send(destination, files)',
  // The scenario sends its first batch; nothing more is needed.
  raise: () => {},
});
