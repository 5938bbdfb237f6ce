// Vocabulary guard fact `wants-mline-reuse` (sender).
import { defineGuard } from '../define.ts';

export const wantsMlineReuseGuard = defineGuard({
  name: 'wants-mline-reuse',
  role: 'sender',
  summary: 'The client is configured to reuse m-lines for further files.',
  api: 'ClientOptions.reuseMlines',
  makeTrue: (setup) => {
    setup.reuseMlines = true;
  },
});
