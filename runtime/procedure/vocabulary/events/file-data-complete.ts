// Vocabulary event `file-data-complete` (receiver, phase file-complete).
import { defineEvent } from '../define.ts';

export const fileDataCompleteEvent = defineEvent({
  name: 'file-data-complete',
  role: 'receiver',
  phase: 'file-complete',
  summary: 'The last byte of a pushed file arrived; it is not yet published under its name.',
  api: null,
  // The pushed bytes differ from the offered hash (same size), so checking the hash is observable;
  // the selector carries the hash only when selector-has-hash holds.
  raise: (setup) => {
    setup.corrupt = true;
    setup.withHash = false;
  },
});
