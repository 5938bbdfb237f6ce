// Vocabulary event `pull-offer-received` (receiver, phase answer-mline).
import { defineEvent } from '../define.ts';

export const pullOfferReceivedEvent = defineEvent({
  name: 'pull-offer-received',
  role: 'receiver',
  phase: 'answer-mline',
  summary: 'An INVITE asks the file server for a file m-line (a pull: the offerer receives the file).',
  api: null,
  // The file server answers a recvonly offer.
  raise: (setup) => {
    setup.answerer = 'file-server';
  },
});
