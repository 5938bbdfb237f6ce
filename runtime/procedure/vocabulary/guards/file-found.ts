// Vocabulary guard fact `file-found` (receiver).
import { defineGuard } from '../define.ts';

export const fileFoundGuard = defineGuard({
  name: 'file-found',
  role: 'receiver',
  summary: 'The pull m-line carries a file-selector and a file-transfer-id, and its selector names exactly one file the server serves.',
  api: null,
  makeTrue: (setup) => {
    setup.selectorFindsFile = true;
  },
});
