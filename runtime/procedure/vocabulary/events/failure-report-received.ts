// Vocabulary event `failure-report-received` (sender, phase file-failed).
import { defineEvent } from '../define.ts';
import { scenarioVictim } from '../../../testing/conformance/scenario-setup.ts';

export const failureReportReceivedEvent = defineEvent({
  name: 'failure-report-received',
  role: 'sender',
  phase: 'file-failed',
  summary: 'An MSRP REPORT with a failure status arrived.',
  api: 'OutgoingTransfer \'file-failed\' event (failure.status)',
  // The peer sends a failure REPORT (415) for the first file.
  raise: (setup) => {
    setup.injectedFailure = { file: scenarioVictim, status: 415, via: 'report' };
    setup.script = { ...setup.script, files: { [scenarioVictim]: { failureReport: 415 } } };
  },
});
