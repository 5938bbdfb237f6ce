// Vocabulary guard fact `more-than-one-file` (sender).
import { defineGuard } from '../define.ts';

export const moreThanOneFileGuard = defineGuard({
  name: 'more-than-one-file',
  role: 'sender',
  summary: 'More than one file is to be sent in this session.',
  api: null,
  makeTrue: (setup) => {
    setup.firstBatch = Math.max(setup.firstBatch, 2);
  },
});
