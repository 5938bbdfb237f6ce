// Vocabulary action `send-bye` (sender): Send a SIP BYE to close the session.
import { defineAction } from '../define.ts';
import { byeProblems } from '../../../testing/conformance/sender-outcome-queries.ts';
import { byes } from '../../../testing/conformance/wire-queries.ts';

export const sendByeAction = defineAction({
  name: 'send-bye',
  role: 'sender',
  args: 'none',
  summary: 'Send a SIP BYE to close the session.',
  api: null,
  executor: { release: 'bye' },
  wire: {
    present: (o) => byeProblems(o),
    absent: (o) => byes(o.record).map((b) => `no BYE may be sent, but #${b.seq} was`),
  },
});
