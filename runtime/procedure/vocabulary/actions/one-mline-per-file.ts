// Vocabulary action `one-mline-per-file` (sender): Describe each file in its own m=message line.
import { defineAction } from '../define.ts';
import { first, names, sameSet } from '../../../testing/conformance/sender-outcome-queries.ts';
import { initialInvites, mlinesOf, offeredNames } from '../../../testing/conformance/wire-queries.ts';

export const oneMlinePerFileAction = defineAction({
  name: 'one-mline-per-file',
  role: 'sender',
  args: 'none',
  summary: 'Describe each file in its own m=message line.',
  api: null,
  executor: { 'set-up': 'mlinePerFile' },
  wire: {
    // RFC 5547 §8.1 via clause 7.6.1 step 3: N files, N m-lines, one INVITE, distinct transfer ids.
    present: (o) => {
      const invites = initialInvites(o.record);
      const invite = invites[0];
      if (invite === undefined) return ['one m-line per file: no INVITE was sent'];
      const problems: string[] = [];
      const lines = mlinesOf(invite);
      if (lines.length !== o.batch.length) problems.push(`one m-line per file: ${lines.length} m-lines for ${o.batch.length} files`);
      const ids = lines.map((m) => m.fileTransferId ?? '');
      if (new Set(ids).size !== ids.length) problems.push(`one m-line per file: transfer ids are not distinct (${ids.join(', ')})`);
      if (!sameSet(offeredNames(invite), names(o.batch))) problems.push(`one m-line per file: the INVITE offers ${offeredNames(invite).join(', ')}, not ${names(o.batch).join(', ')}`);
      const later = invites.slice(1).filter((i) => offeredNames(i).some((n) => names(o.batch).includes(n)));
      if (later.length > 0) problems.push(`one m-line per file: files of the batch were offered again in INVITE #${later[0]?.seq}`);
      return problems;
    },
    absent: (o) => (mlinesOf(first(o)).length > 1 ? [`one m-line per file must not apply, but the offer has ${mlinesOf(first(o)).length} m-lines`] : []),
  },
});
