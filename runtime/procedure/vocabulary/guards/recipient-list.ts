// Vocabulary guard fact `recipient-list` (sender).
import { defineGuard } from '../define.ts';

export const recipientListGuard = defineGuard({
  name: 'recipient-list',
  role: 'sender',
  summary: 'The destination is a list of recipients (ad-hoc group).',
  api: 'Destination { kind: \'recipient-list\' }',
  makeTrue: (setup) => {
    setup.destination = 'recipient-list';
  },
});
