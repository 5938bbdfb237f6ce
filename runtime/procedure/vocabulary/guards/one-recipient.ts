// Vocabulary guard fact `one-recipient` (sender).
import { defineGuard } from '../define.ts';

export const oneRecipientGuard = defineGuard({
  name: 'one-recipient',
  role: 'sender',
  summary: 'The destination is a single recipient URI.',
  api: 'Destination { kind: \'one-recipient\' }',
  // The scenario's default destination.
  makeTrue: (setup) => {
    setup.destination = 'one-recipient';
  },
});
