// Vocabulary guard fact `offer-sendonly` (receiver).
import { defineGuard } from '../define.ts';

export const offerSendonlyGuard = defineGuard({
  name: 'offer-sendonly',
  role: 'receiver',
  summary: 'The offered file m-line is sendonly: the offerer wants to send the file.',
  api: null,
  makeTrue: (setup) => {
    setup.direction = 'sendonly';
  },
});
