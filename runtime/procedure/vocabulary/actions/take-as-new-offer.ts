// Vocabulary action `take-as-new-offer` (receiver): Treat the re-offered m-line as a new file offer (the file-offer-received rules answer it).
import { defineAction } from '../define.ts';
import { answered, delivered, isOpen } from '../../../testing/conformance/answer-queries.ts';

export const takeAsNewOfferAction = defineAction({
  name: 'take-as-new-offer',
  role: 'receiver',
  args: 'none',
  summary: 'Treat the re-offered m-line as a new file offer (the file-offer-received rules answer it).',
  api: null,
  executor: { 'reoffer-mline': 'asNewOffer' },
  wire: {
    // RFC 5547 §8.1: a new file-transfer-id on the m-line is answered as a new file offer.
    present: (o) => {
      const m = answered(o.reanswer);
      const re = o.reoffer;
      if (re === undefined) return ['the scenario sent no re-offer'];
      const problems: string[] = [];
      if (!isOpen(m)) problems.push('the answer to the re-INVITE did not accept the new file on m-line 0');
      else {
        if (m.direction !== 'recvonly') problems.push(`the re-answered m-line 0 is ${m.direction}, not recvonly`);
        if (m.fileTransferId !== undefined && m.fileTransferId !== re.transferId) problems.push(`the re-answered m-line 0 gives a=file-transfer-id:${m.fileTransferId}, not the new ${re.transferId}`);
      }
      if (!delivered(o, 'second')) problems.push(`the new file ${re.name} was not taken on the new MSRP session`);
      if (!o.published.includes(re.name)) problems.push(`the new file ${re.name} was not published`);
      return problems;
    },
    absent: (o) => {
      const re = o.reoffer;
      if (re === undefined) return [];
      return delivered(o, 'second') || o.published.includes(re.name) ? [`the re-offered file must not be taken as a new offer, but ${re.name} was received`] : [];
    },
  },
});
