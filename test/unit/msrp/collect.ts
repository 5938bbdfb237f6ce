import { MsrpParser, type ContinuationFlag, type MsrpHead, type MsrpParserLimits } from '../../../runtime/msrp/syntax/msrp-parser.ts';

export interface Collected {
  head: MsrpHead;
  body: Buffer;
  flag: ContinuationFlag | undefined;
}

/** Feeds the pieces to a fresh parser and gathers the messages it reports. */
export function parsePieces(pieces: readonly Buffer[], limits: Partial<MsrpParserLimits> = {}) {
  const messages: Collected[] = [];
  let current: { head: MsrpHead; parts: Buffer[] } | undefined;
  const parser = new MsrpParser({
    head: (head) => { current = { head, parts: [] }; },
    body: (data) => { current?.parts.push(Buffer.from(data)); },
    end: (flag) => {
      if (current) messages.push({ head: current.head, body: Buffer.concat(current.parts), flag });
      current = undefined;
    },
  }, limits);
  for (const p of pieces) {
    const r = parser.feed(p);
    if (!r.ok) return { messages, error: r.error, parser };
  }
  return { messages, error: undefined, parser };
}
