// Vocabulary guard fact `selector-has-hash` (receiver).
import { defineGuard } from '../define.ts';

export const selectorHasHashGuard = defineGuard({
  name: 'selector-has-hash',
  role: 'receiver',
  summary: 'The file-selector of the offer gave a hash of the file.',
  api: null,
  makeTrue: (setup) => {
    setup.withHash = true;
  },
});
