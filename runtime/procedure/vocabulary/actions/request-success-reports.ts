// Vocabulary action `request-success-reports` (sender): every SEND of every file asks for a success REPORT.
import { defineAction } from '../define.ts';
import type { ScenarioOutcome } from '../../../testing/conformance/scenario-outcome.ts';
import type { MsrpWireEntry } from '../../../testing/conformance/wire-record.ts';
import { byes, maxSeq, peerMsrpAbout, reinvites, senderSendsOf } from '../../../testing/conformance/wire-queries.ts';
import { names } from '../../../testing/conformance/sender-outcome-queries.ts';

/** The chunks that carry file data (a bind SEND has no file) of every file the scenario sent. */
const dataSends = (o: ScenarioOutcome): MsrpWireEntry[] => [...names(o.batch), ...names(o.queued)].flatMap((name) => senderSendsOf(o.record, name));

export const requestSuccessReportsAction = defineAction({
  name: 'request-success-reports',
  role: 'sender',
  args: 'none',
  summary: 'Ask the receiver for a success REPORT on every SEND of every file (Success-Report: yes).',
  // RFC 4975 §7.1.1: with Success-Report: yes the receiver confirms the whole message by a REPORT,
  // so for the rest of the session step 4 runs on that REPORT.
  implies: ['success-report-requested'],
  api: 'ClientOptions.successReport (the same request made by the application)',
  executor: { 'set-up': 'successReports' },
  wire: {
    // Every chunk of every file says Success-Report: yes (RFC 4975 §7.1.1: the header is per chunk),
    // and clause 7.6.1 step 4 then runs on the success REPORTs: the rules of success-report-received
    // ran with the fact held, and nothing of step 4 (BYE, re-INVITE) went before the last REPORT.
    present: (o) => {
      const sends = dataSends(o);
      if (sends.length === 0) return ['request success reports: no SEND carried file data'];
      const problems = sends.filter((e) => e.successReport !== 'yes').map((e) => `request success reports: SEND #${e.seq} of ${e.file?.name ?? '-'} has Success-Report: ${e.successReport ?? '(none, meaning no)'}`);
      const reports = peerMsrpAbout(o.record, names(o.batch)).filter((e) => e.method === 'REPORT' && e.reportStatus?.code === 200);
      const missing = names(o.batch).filter((name) => !reports.some((r) => r.file?.name === name));
      problems.push(...missing.map((name) => `request success reports: the peer sent no success REPORT for ${name}`));
      if (!o.raised.some((r) => r.event === 'success-report-received' && r.facts.includes('success-report-requested'))) {
        problems.push(`request success reports: step 4 never ran on success-report-received with success-report-requested (events: ${o.raised.map((r) => r.event).join(', ') || 'none'})`);
      }
      const lastReport = maxSeq(reports);
      const early = [...byes(o.record), ...reinvites(o.record)].find((e) => e.seq < lastReport);
      if (early !== undefined) problems.push(`request success reports: ${early.method} #${early.seq} went before the last success REPORT #${lastReport}`);
      return problems;
    },
    absent: (o) => dataSends(o).filter((e) => e.successReport === 'yes').map((e) => `no success REPORT may be asked for, but SEND #${e.seq} of ${e.file?.name ?? '-'} has Success-Report: yes`),
  },
});
