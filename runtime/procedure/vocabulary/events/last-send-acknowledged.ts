// Vocabulary event `last-send-acknowledged` (sender, phase after-last-send).
import { defineEvent } from '../define.ts';

export const lastSendAcknowledgedEvent = defineEvent({
  name: 'last-send-acknowledged',
  role: 'sender',
  phase: 'after-last-send',
  summary: 'A 200 OK arrived for the last MSRP SEND of the files in the session.',
  api: null,
  // The scripted peer answers every SEND 200.
  raise: () => {},
});
