// Vocabulary action `interrupt-send` (sender): end the MSRP message being sent with a '#' chunk.
import { defineAction } from '../define.ts';
import type { ScenarioOutcome } from '../../../testing/conformance/scenario-outcome.ts';
import type { MsrpWireEntry } from '../../../testing/conformance/wire-record.ts';
import { byes, senderSendsOf } from '../../../testing/conformance/wire-queries.ts';
import { names } from '../../../testing/conformance/sender-outcome-queries.ts';

const interruptions = (o: ScenarioOutcome): MsrpWireEntry[] => names(o.batch).flatMap((name) => senderSendsOf(o.record, name)).filter((e) => e.flag === '#');

export const interruptSendAction = defineAction({
  name: 'interrupt-send',
  role: 'sender',
  args: 'none',
  summary: "End the MSRP message being sent with a '#' chunk, before anything else goes, and send none of it after.",
  api: "OutgoingTransfer 'file-failed' event (failure.source 'cancelled') for the interrupted file",
  executor: { cancel: 'interrupt' },
  wire: {
    // RFC 4975 §7.1: a message the sender gives up ends with a chunk whose end-line flag is '#';
    // no chunk of that message follows it, and (7.6.2) the BYE comes only after it.
    present: (o) => {
      const hashes = interruptions(o);
      if (hashes.length === 0) return ["interrupt send: no SEND chunk of the batch ended with '#'"];
      const problems: string[] = [];
      for (const hash of hashes) {
        const chunks = o.record.msrp().filter((e) => e.from === 'sender' && e.kind === 'request' && e.method === 'SEND' && e.messageId === hash.messageId);
        const before = chunks.filter((e) => e.seq < hash.seq);
        if (before.length === 0) problems.push(`interrupt send: '#' chunk #${hash.seq} interrupts message ${hash.messageId ?? '-'}, which had no chunk before it`);
        const after = chunks.filter((e) => e.seq > hash.seq);
        if (after.length > 0) problems.push(`interrupt send: chunk #${after[0]?.seq} of message ${hash.messageId ?? '-'} was sent after its '#' chunk #${hash.seq}`);
        if (before.some((e) => e.flag === '$')) problems.push(`interrupt send: message ${hash.messageId ?? '-'} had already ended with '$' before its '#' chunk`);
        const bye = byes(o.record).find((b) => b.seq < hash.seq);
        if (bye !== undefined) problems.push(`interrupt send: BYE #${bye.seq} went before the '#' chunk #${hash.seq}`);
      }
      return problems;
    },
    absent: (o) => interruptions(o).map((e) => `no message may be interrupted, but SEND #${e.seq} of ${e.file?.name ?? '-'} ended with '#'`),
  },
});
