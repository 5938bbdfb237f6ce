// Vocabulary event `success-report-received` (sender, phase after-last-send).
import { defineEvent } from '../define.ts';

export const successReportReceivedEvent = defineEvent({
  name: 'success-report-received',
  role: 'sender',
  phase: 'after-last-send',
  summary: 'A success REPORT arrived for the last file, having been asked for with Success-Report: yes.',
  implies: ['success-report-requested'],
  api: null,
  // The sender asks for success reports (implied fact); the peer sends them, held back successReportDelayMs.
  raise: () => {},
});
