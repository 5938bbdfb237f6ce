// Vocabulary event `file-offer-received` (receiver, phase answer-mline).
import { defineEvent } from '../define.ts';

export const fileOfferReceivedEvent = defineEvent({
  name: 'file-offer-received',
  role: 'receiver',
  phase: 'answer-mline',
  summary: 'An INVITE offers a file m-line to the receiver (a push: the offerer sends the file).',
  api: 'ReceiveOptions.accept (the offered file)',
  // A push whose m-line is sendrecv unless offer-sendonly holds, so no push rule takes it by accident.
  raise: (setup) => {
    setup.direction = 'sendrecv';
  },
});
