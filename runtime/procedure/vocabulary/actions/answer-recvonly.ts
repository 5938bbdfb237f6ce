// Vocabulary action `answer-recvonly` (receiver): Accept the pushed file: answer its m-line recvonly with our MSRP path, and receive the file.
import { defineAction } from '../define.ts';
import { answered, current, isOpen, takenProblems } from '../../../testing/conformance/answer-queries.ts';

export const answerRecvonlyAction = defineAction({
  name: 'answer-recvonly',
  role: 'receiver',
  args: 'none',
  summary: 'Accept the pushed file: answer its m-line recvonly with our MSRP path, and receive the file.',
  api: null,
  executor: { 'answer-mline': 'receive' },
  wire: {
    present: (o) => takenProblems(o, 'recvonly'),
    absent: (o) => {
      const { entry, offered, what } = current(o);
      const m = answered(entry);
      const problems = isOpen(m) && m.direction === 'recvonly' ? [`${what}: m-line 0 must not be accepted, but was answered recvonly on port ${m.port}`] : [];
      if (o.published.includes(offered.name)) problems.push(`${offered.name} must not be taken, but was published`);
      return problems;
    },
  },
});
