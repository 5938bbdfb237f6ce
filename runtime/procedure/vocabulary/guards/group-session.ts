// Vocabulary guard fact `group-session` (sender).
import { defineGuard } from '../define.ts';

export const groupSessionGuard = defineGuard({
  name: 'group-session',
  role: 'sender',
  summary: 'The session is an ad-hoc or pre-defined CPM group session.',
  api: null,
  makeTrue: (setup) => {
    if (setup.destination === 'one-recipient') setup.destination = 'predefined-group';
  },
});
