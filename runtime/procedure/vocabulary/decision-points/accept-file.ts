// Vocabulary decision point `accept-file` (receiver).
import { defineDecisionPoint } from '../define.ts';

export const acceptFilePoint = defineDecisionPoint({
  name: 'accept-file',
  role: 'receiver',
  summary: 'Whether the receiving user or application takes an offered file: the `accept` callback, else the receiver\'s size limit (maxSize).',
  /** Unanswered, the file is taken; the receiver always answers (its callback, or its size limit). */
  mayDefault: true,
  api: 'ReceiveOptions.accept',
  answer: (setup, yes) => {
    setup.accept = yes;
  },
});
