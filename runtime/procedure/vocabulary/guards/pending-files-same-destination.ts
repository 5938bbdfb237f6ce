// Vocabulary guard fact `pending-files-same-destination` (sender).
import { defineGuard } from '../define.ts';

export const pendingFilesSameDestinationGuard = defineGuard({
  name: 'pending-files-same-destination',
  role: 'sender',
  summary: 'Further files are queued for the same destination.',
  api: 'OutgoingTransfer.queue(files)',
  makeTrue: (setup) => {
    setup.queue = true;
  },
});
