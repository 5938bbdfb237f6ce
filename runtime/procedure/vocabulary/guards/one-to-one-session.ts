// Vocabulary guard fact `one-to-one-session` (sender).
import { defineGuard } from '../define.ts';

export const oneToOneSessionGuard = defineGuard({
  name: 'one-to-one-session',
  role: 'sender',
  summary: 'The session is a CPM 1-1 session.',
  api: null,
  // Holds with the scenario's default destination, one recipient.
  makeTrue: () => {},
});
