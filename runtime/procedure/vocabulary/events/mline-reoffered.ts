// Vocabulary event `mline-reoffered` (receiver, phase reoffer-mline).
import { defineEvent } from '../define.ts';

export const mlineReofferedEvent = defineEvent({
  name: 'mline-reoffered',
  role: 'receiver',
  phase: 'reoffer-mline',
  summary: 'A re-INVITE offers again an m-line that carried a file in this session.',
  api: null,
  // After the push is answered, a re-INVITE offers m-line 0 again (as port-zero / transfer-id-changed say).
  raise: (setup) => {
    setup.reoffer = 'same';
  },
});
