// Vocabulary action `reject-mline` (receiver): Refuse the offered m-line: answer it with port 0 (the whole INVITE is refused when no m-line is left).
import { defineAction } from '../define.ts';
import { answered, current, isOpen, refusedProblems } from '../../../testing/conformance/answer-queries.ts';

export const rejectMlineAction = defineAction({
  name: 'reject-mline',
  role: 'receiver',
  args: 'none',
  summary: 'Refuse the offered m-line: answer it with port 0 (the whole INVITE is refused when no m-line is left).',
  api: null,
  executor: { 'answer-mline': 'reject' },
  wire: {
    // RFC 3264 §6: a refused m-line is answered with port 0 (or the INVITE is refused when nothing
    // is left), and no file changes hands.
    present: (o) => {
      const { entry, offered, what } = current(o);
      const problems = refusedProblems(entry, what);
      if (o.published.includes(offered.name)) problems.push(`the refused file ${offered.name} was published`);
      if ((o.pulled?.bytes ?? 0) > 0) problems.push(`${o.pulled?.bytes} bytes of a refused pull were sent`);
      return problems;
    },
    absent: (o) => {
      const { entry, what } = current(o);
      return refusedProblems(entry, what).length === 0 ? [`${what}: m-line 0 must not be refused, but was (${entry?.status ?? '-'}${isOpen(answered(entry)) ? '' : ', port 0'})`] : [];
    },
  },
});
