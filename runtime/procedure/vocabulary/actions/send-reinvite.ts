// Vocabulary action `send-reinvite` (sender): Send a re-INVITE in the existing session.
import { defineAction } from '../define.ts';
import { finalResponseTo, maxSeq, offeredNames, peerMsrpAbout, reinvites, senderSendsOf } from '../../../testing/conformance/wire-queries.ts';
import { first, firstBatchDone, names } from '../../../testing/conformance/sender-outcome-queries.ts';

export const sendReinviteAction = defineAction({
  name: 'send-reinvite',
  role: 'sender',
  args: 'none',
  summary: 'Send a re-INVITE in the existing session.',
  api: null,
  executor: { 'after-last-send': 'reinvite' },
  wire: {
    // Clause 7.6.1 step 4.b / RFC 3261 §14.1: a re-INVITE in the same dialog, only once the last SEND
    // is answered (and, with success reports, once the last success REPORT is in), then the new files.
    present: (o) => {
      const invite = first(o);
      const re = reinvites(o.record).filter((r) => r.callId === invite?.callId);
      const r = re[0];
      if (r === undefined) return ['re-INVITE: none was sent in the session'];
      const problems: string[] = [];
      const done = firstBatchDone(o);
      if (done === 0) problems.push('re-INVITE: the first batch was never acknowledged');
      if (r.seq < done) problems.push(`re-INVITE #${r.seq} sent before the first batch's last 200/REPORT #${done}`);
      if (o.facts.includes('success-report-requested')) {
        const reports = peerMsrpAbout(o.record, names(o.batch)).filter((e) => e.method === 'REPORT' && e.kind === 'request' && e.reportStatus?.code === 200);
        if (reports.length === 0) problems.push('re-INVITE: success reports were requested but none was received before it');
        else if (r.seq < maxSeq(reports)) problems.push(`re-INVITE #${r.seq} sent before the success REPORT #${maxSeq(reports)}`);
      }
      const answered = finalResponseTo(o.record, r);
      if (answered === undefined || answered.status !== 200) problems.push(`re-INVITE #${r.seq} was not answered 200`);
      for (const name of offeredNames(r)) {
        const sends = senderSendsOf(o.record, name).filter((s) => !names(o.batch).includes(name) || s.seq > r.seq);
        if (answered !== undefined && !sends.some((s) => s.seq > answered.seq)) problems.push(`re-INVITE: file ${name} was not sent after the re-INVITE was answered`);
      }
      return problems;
    },
    absent: (o) => reinvites(o.record).map((r) => `no re-INVITE may be sent, but #${r.seq} was`),
  },
});
