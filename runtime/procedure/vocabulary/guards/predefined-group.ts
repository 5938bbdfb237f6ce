// Vocabulary guard fact `predefined-group` (sender).
import { defineGuard } from '../define.ts';

export const predefinedGroupGuard = defineGuard({
  name: 'predefined-group',
  role: 'sender',
  summary: 'The destination is the URI of a pre-defined group.',
  api: 'Destination { kind: \'predefined-group\' }',
  makeTrue: (setup) => {
    if (setup.destination !== 'recipient-list') setup.destination = 'predefined-group';
  },
});
