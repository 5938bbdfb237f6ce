// Vocabulary action `reuse-mline` (sender): Give existing m-lines new file attributes for the next files.
import { defineAction } from '../define.ts';
import { first, names } from '../../../testing/conformance/sender-outcome-queries.ts';
import { mlinesOf, reinvites, selectorName } from '../../../testing/conformance/wire-queries.ts';

export const reuseMlineAction = defineAction({
  name: 'reuse-mline',
  role: 'sender',
  args: 'none',
  summary: 'Give existing m-lines new file attributes for the next files.',
  api: null,
  executor: { 'after-last-send': 'reuse' },
  wire: {
    // RFC 5547 §8.4 / clause 7.6.1 step 4.b.i: m-line 0 carries the next file: a new transfer id and
    // a new selector, port open.
    present: (o) => {
      const before = mlinesOf(first(o))[0];
      const r = reinvites(o.record)[0];
      const after = mlinesOf(r)[0];
      if (r === undefined) return ['reuse m-line: no re-INVITE'];
      if (before === undefined || after === undefined) return ['reuse m-line: no m-line 0 to compare'];
      const problems: string[] = [];
      if (after.port === 0) problems.push('reuse m-line: m-line 0 of the re-INVITE has port 0');
      if (after.fileTransferId === before.fileTransferId) problems.push('reuse m-line: m-line 0 kept its file-transfer-id');
      if (after.fileSelector === before.fileSelector) problems.push('reuse m-line: m-line 0 kept its file-selector');
      const name = selectorName(after.fileSelector);
      if (name === undefined || !names(o.queued).includes(name)) problems.push(`reuse m-line: m-line 0 names ${name ?? '(nothing)'}, not a queued file`);
      return problems;
    },
    absent: (o) => {
      const before = mlinesOf(first(o));
      return reinvites(o.record).flatMap((r) => mlinesOf(r).filter((m) => m.port !== 0 && before[m.index] !== undefined && m.fileTransferId !== before[m.index]?.fileTransferId).map((m) => `no m-line may be reused, but re-INVITE #${r.seq} reuses m-line ${m.index}`));
    },
  },
});
