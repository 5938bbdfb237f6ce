// Vocabulary guard fact `unused-mlines` (sender).
import { defineGuard } from '../define.ts';

export const unusedMlinesGuard = defineGuard({
  name: 'unused-mlines',
  role: 'sender',
  summary: 'The session has more m-lines than the next batch of files needs.',
  api: null,
  // A first batch of 2 files, then a queued batch of 1 (when files are queued at all).
  makeTrue: (setup) => {
    setup.firstBatch = Math.max(setup.firstBatch, 2);
    setup.fewerQueued = true;
  },
});
