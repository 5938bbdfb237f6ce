// Vocabulary guard fact `port-zero` (receiver).
import { defineGuard } from '../define.ts';

export const portZeroGuard = defineGuard({
  name: 'port-zero',
  role: 'receiver',
  summary: 'The re-offered m-line has port 0.',
  api: null,
  // Only where the event re-offers at all.
  makeTrue: (setup) => {
    if (setup.reoffer !== 'none') setup.reoffer = 'port-zero';
  },
});
