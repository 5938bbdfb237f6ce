// Vocabulary action `close-transfer` (receiver): End the m-line's transfer: close its MSRP session and drop an unfinished file.
import { defineAction } from '../define.ts';
import { delivered } from '../../../testing/conformance/answer-queries.ts';

export const closeTransferAction = defineAction({
  name: 'close-transfer',
  role: 'receiver',
  args: 'none',
  summary: 'End the m-line\'s transfer: close its MSRP session and drop an unfinished file.',
  api: null,
  executor: { 'reoffer-mline': 'close' },
  wire: {
    // RFC 5547 §8.1 / RFC 3264 §8.2: the transfer the m-line carried is over: its file is refused on
    // the old MSRP session and never published.
    present: (o) => {
      const problems: string[] = [];
      if (o.reanswer === undefined || (o.reanswer.status ?? 0) >= 300) problems.push(`the re-INVITE was not answered 2xx (${o.reanswer?.status ?? 'no answer'})`);
      const first = o.pushes.find((p) => p.session === 'first');
      if (first === undefined) problems.push(`${o.offer.name} was never tried on its first session`);
      else if (first.outcome === 'delivered') problems.push(`${o.offer.name} was still taken on the closed transfer's MSRP session`);
      if (o.published.includes(o.offer.name)) problems.push(`${o.offer.name} of the closed transfer was published`);
      return problems;
    },
    absent: (o) => (delivered(o, 'first') && o.published.includes(o.offer.name) ? [] : [`the transfer must not be closed, but ${o.offer.name} was not taken on its session after the re-INVITE`]),
  },
});
