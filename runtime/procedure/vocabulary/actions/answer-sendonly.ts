// Vocabulary action `answer-sendonly` (receiver): Serve the pulled file: answer its m-line sendonly with our MSRP path, and send the file.
import { defineAction } from '../define.ts';
import { answered, current, isOpen, takenProblems } from '../../../testing/conformance/answer-queries.ts';

export const answerSendonlyAction = defineAction({
  name: 'answer-sendonly',
  role: 'receiver',
  args: 'none',
  summary: 'Serve the pulled file: answer its m-line sendonly with our MSRP path, and send the file.',
  api: null,
  executor: { 'answer-mline': 'serve' },
  wire: {
    // RFC 5547 §8 (pull): the answer serves the file sendonly and sends it over MSRP.
    present: (o) => takenProblems(o, 'sendonly'),
    absent: (o) => {
      const { entry, what } = current(o);
      const m = answered(entry);
      const problems = isOpen(m) && m.direction === 'sendonly' ? [`${what}: m-line 0 must not be served, but was answered sendonly on port ${m.port}`] : [];
      if ((o.pulled?.bytes ?? 0) > 0) problems.push(`no file may be served, but ${o.pulled?.bytes} bytes were sent`);
      return problems;
    },
  },
});
