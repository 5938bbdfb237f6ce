// Vocabulary decision point `check-pending-files` (sender).
import { defineDecisionPoint } from '../define.ts';

export const checkPendingFilesPoint = defineDecisionPoint({
  name: 'check-pending-files',
  role: 'sender',
  summary: 'Whether to look for more files queued to the same destination once the last SEND is acknowledged.',
  /** The library takes queued files along. */
  mayDefault: true,
  api: 'ClientOptions.decisions[\'check-pending-files\']',
  answer: (setup, yes) => {
    setup.decisions['check-pending-files'] = yes;
  },
});
