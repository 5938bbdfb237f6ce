// Vocabulary action `keep-transfer` (receiver): Go on with the m-line's transfer and MSRP session as they are.
import { defineAction } from '../define.ts';
import { answered, delivered, isOpen } from '../../../testing/conformance/answer-queries.ts';

export const keepTransferAction = defineAction({
  name: 'keep-transfer',
  role: 'receiver',
  args: 'none',
  summary: 'Go on with the m-line\'s transfer and MSRP session as they are.',
  api: null,
  executor: { 'reoffer-mline': 'keep' },
  wire: {
    // RFC 5547 §8.1: the same file-transfer-id keeps the transfer and its MSRP session.
    present: (o) => {
      const m = answered(o.reanswer);
      const problems: string[] = [];
      if (!isOpen(m)) problems.push('the answer to the re-INVITE did not keep m-line 0 open');
      // Whether the answer repeats the id at all is the echo rules' business; a different one is not a keep.
      else if (m.fileTransferId !== undefined && m.fileTransferId !== o.offer.transferId) problems.push(`the answer to the re-INVITE gives a=file-transfer-id:${m.fileTransferId}, not the kept ${o.offer.transferId}`);
      if (!delivered(o, 'first')) problems.push(`${o.offer.name} was not taken on its first MSRP session after the re-INVITE`);
      if (!o.published.includes(o.offer.name)) problems.push(`${o.offer.name} was not published`);
      return problems;
    },
    absent: (o) => (delivered(o, 'first') ? [`the transfer must not go on, but ${o.offer.name} was taken on its first session after the re-INVITE`] : []),
  },
});
