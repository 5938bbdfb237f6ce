// Vocabulary action `close-unused-mline` (sender): Set the port of each m-line no longer needed to 0.
import { defineAction } from '../define.ts';
import { first } from '../../../testing/conformance/sender-outcome-queries.ts';
import { mlinesOf, reinvites } from '../../../testing/conformance/wire-queries.ts';

export const closeUnusedMlineAction = defineAction({
  name: 'close-unused-mline',
  role: 'sender',
  args: 'none',
  summary: 'Set the port of each m-line no longer needed to 0.',
  api: null,
  executor: { 'after-last-send': 'closeUnused' },
  wire: {
    // RFC 3264 §8.2 / clause 7.6.1 step 4.b.ii: every m-line the next batch does not use is closed
    // with port 0 and stays at its position.
    present: (o) => {
      const before = mlinesOf(first(o));
      const r = reinvites(o.record)[0];
      if (r === undefined) return ['close unused m-line: no re-INVITE'];
      const after = mlinesOf(r);
      const problems: string[] = [];
      if (after.length < before.length) problems.push(`close unused m-line: the re-INVITE has ${after.length} m-lines, fewer than the ${before.length} before`);
      const unused = before.slice(o.queued.length);
      if (unused.length === 0) problems.push('close unused m-line: the scenario left no m-line unused');
      for (const m of unused) {
        const now = after[m.index];
        if (now === undefined) continue;
        if (now.port !== 0) problems.push(`close unused m-line: m-line ${m.index} still has port ${now.port}`);
        if (now.media !== m.media || now.proto !== m.proto) problems.push(`close unused m-line: m-line ${m.index} was replaced by ${now.media} ${now.proto}`);
      }
      return problems;
    },
    absent: (o) => {
      const before = mlinesOf(first(o));
      return reinvites(o.record).flatMap((r) => mlinesOf(r).filter((m) => m.port === 0 && (before[m.index]?.port ?? 0) !== 0).map((m) => `no m-line may be closed, but re-INVITE #${r.seq} closes m-line ${m.index}`));
    },
  },
});
