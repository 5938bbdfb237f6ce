// Vocabulary action `echo-file-selector` (receiver): Repeat the offered a=file-selector in the accepted m-line of the answer.
import { defineAction } from '../define.ts';
import { echoAbsence, echoProblems } from '../../../testing/conformance/answer-queries.ts';

export const echoFileSelectorAction = defineAction({
  name: 'echo-file-selector',
  role: 'receiver',
  args: 'none',
  summary: 'Repeat the offered a=file-selector in the accepted m-line of the answer.',
  api: null,
  executor: { 'answer-mline': 'echoSelector' },
  wire: {
    present: (o) => echoProblems(o, 'file-selector'),
    absent: (o) => echoAbsence(o, 'file-selector'),
  },
});
