// Vocabulary action `check-pending-files` (sender): Take the next batch of files queued for the same destination.
import { defineAction } from '../define.ts';
import { names } from '../../../testing/conformance/sender-outcome-queries.ts';
import { offeredNames, reinvites } from '../../../testing/conformance/wire-queries.ts';

export const checkPendingFilesAction = defineAction({
  name: 'check-pending-files',
  role: 'sender',
  args: 'none',
  summary: 'Take the next batch of files queued for the same destination.',
  api: null,
  executor: { 'after-last-send': 'takePending' },
  wire: {
    // Clause 7.6.1 step 4.a: the queued batch for the same destination is taken into this session.
    present: (o) => {
      if (o.queued.length === 0) return ['check pending files: the scenario queued no batch'];
      const offered = reinvites(o.record).flatMap(offeredNames);
      return names(o.queued).filter((n) => !offered.includes(n)).map((n) => `check pending files: queued file ${n} was not offered in a re-INVITE`);
    },
    absent: (o) => {
      const offered = reinvites(o.record).flatMap(offeredNames);
      return names(o.queued).filter((n) => offered.includes(n)).map((n) => `pending files must not be taken into the session, but ${n} was offered in a re-INVITE`);
    },
  },
});
