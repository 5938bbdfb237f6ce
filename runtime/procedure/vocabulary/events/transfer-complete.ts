// Vocabulary event `transfer-complete` (sender, phase release).
import { defineEvent } from '../define.ts';

export const transferCompleteEvent = defineEvent({
  name: 'transfer-complete',
  role: 'sender',
  phase: 'release',
  summary: 'Every file of the session is done and the client is releasing it.',
  api: null,
  // Every scenario ends its transfer; nothing more is needed.
  raise: () => {},
});
