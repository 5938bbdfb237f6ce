// Vocabulary guard fact `success-report-requested` (sender).
import { defineGuard } from '../define.ts';

export const successReportRequestedGuard = defineGuard({
  name: 'success-report-requested',
  role: 'sender',
  summary: 'The client asked for success reports (Success-Report: yes) on its SENDs.',
  api: 'ClientOptions.successReport',
  makeTrue: (setup) => {
    setup.successReport = true;
  },
});
