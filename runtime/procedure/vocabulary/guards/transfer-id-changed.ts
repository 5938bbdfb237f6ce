// Vocabulary guard fact `transfer-id-changed` (receiver).
import { defineGuard } from '../define.ts';

export const transferIdChangedGuard = defineGuard({
  name: 'transfer-id-changed',
  role: 'receiver',
  summary: 'The re-offered m-line carries a file-transfer-id other than the one it had.',
  api: null,
  // Another file with a new file-transfer-id on m-line 0 (port-zero, when it holds too, wins).
  makeTrue: (setup) => {
    if (setup.reoffer === 'same') setup.reoffer = 'new-transfer';
  },
});
