// Vocabulary action `verify-file-hash` (receiver): Compare the received file with the offered hash before publishing it; a mismatch is refused with MSRP 400.
import { defineAction } from '../define.ts';

export const verifyFileHashAction = defineAction({
  name: 'verify-file-hash',
  role: 'receiver',
  args: 'none',
  summary: 'Compare the received file with the offered hash before publishing it; a mismatch is refused with MSRP 400.',
  api: null,
  executor: { 'file-complete': 'verifyHash' },
  wire: {
    // RFC 5547 §6 / RFC 4975 §10: bytes that do not match the offered hash are refused with 400 and
    // the file never appears under its name.
    present: (o) => {
      if (!o.corrupted) return ['the scenario pushed no file that differs from its offered hash'];
      const push = o.pushes.find((p) => p.session === 'first');
      const problems: string[] = [];
      if (push === undefined) problems.push(`${o.offer.name} was never pushed`);
      else if (push.outcome === 'delivered') problems.push(`${o.offer.name}, whose bytes differ from the offered hash, was taken (200)`);
      else if (push.status !== 400) problems.push(`${o.offer.name} was refused with ${push.status ?? 'no status'}, not 400`);
      if (o.published.includes(o.offer.name)) problems.push(`${o.offer.name}, whose bytes differ from the offered hash, was published`);
      return problems;
    },
    absent: (o) => {
      const push = o.pushes.find((p) => p.session === 'first');
      return push !== undefined && push.outcome === 'refused' && push.status === 400 ? [`the hash must not be checked, but ${o.offer.name} was refused with 400`] : [];
    },
  },
});
