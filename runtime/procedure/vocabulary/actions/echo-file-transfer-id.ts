// Vocabulary action `echo-file-transfer-id` (receiver): Repeat the offered a=file-transfer-id in the accepted m-line of the answer.
import { defineAction } from '../define.ts';
import { echoAbsence, echoProblems } from '../../../testing/conformance/answer-queries.ts';

export const echoFileTransferIdAction = defineAction({
  name: 'echo-file-transfer-id',
  role: 'receiver',
  args: 'none',
  summary: 'Repeat the offered a=file-transfer-id in the accepted m-line of the answer.',
  api: null,
  executor: { 'answer-mline': 'echoTransferId' },
  wire: {
    present: (o) => echoProblems(o, 'file-transfer-id'),
    absent: (o) => echoAbsence(o, 'file-transfer-id'),
  },
});
