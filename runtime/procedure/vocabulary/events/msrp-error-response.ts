// Vocabulary event `msrp-error-response` (sender, phase file-failed).
import { defineEvent } from '../define.ts';
import { scenarioVictim } from '../../../testing/conformance/scenario-setup.ts';

export const msrpErrorResponseEvent = defineEvent({
  name: 'msrp-error-response',
  role: 'sender',
  phase: 'file-failed',
  summary: 'An MSRP transaction response other than 200 arrived for a SEND.',
  api: 'OutgoingTransfer \'file-failed\' event (failure.status)',
  // The peer answers the first file's SEND with 413.
  raise: (setup) => {
    setup.injectedFailure = { file: scenarioVictim, status: 413, via: 'response' };
    setup.script = { ...setup.script, files: { [scenarioVictim]: { sendStatus: 413 } } };
  },
});
