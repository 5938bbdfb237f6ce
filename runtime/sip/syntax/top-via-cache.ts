// The top Via of one message is parsed several times on its way through the stack: the transport
// stamps `received`/`rport` into it (RFC 3261 §18.2.1), the transaction layer keys the message by
// its branch and sent-by (§17.1.3, §17.2.3), and each response finds its destination from it
// (§18.2.2). At hundreds of sessions per second that was ~15 KB of garbage per session on the
// receiver. The stack's own readers share one parse per distinct Via text; the results are frozen,
// since every holder of a text gets the same object. `parseVia` itself stays uncached for users.

import type { Result } from '../../errors.ts';
import { parseVia, type Via } from './via.ts';

// Enough for the Vias of the messages in flight at once at high rates; cleared, not aged, when full.
const MAX_ENTRIES = 256;
const parsed = new Map<string, Result<Via>>();

/** `parseVia(text)`, shared with every other caller of the same text: the Via must not be changed. */
export function parseViaShared(text: string): Result<Via> {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const result = parseVia(text);
  // A malformed Via is rare and its error is the caller's to keep: only good parses are shared.
  if (!result.ok) return result;
  Object.freeze(result.value.params);
  Object.freeze(result.value);
  Object.freeze(result);
  if (parsed.size >= MAX_ENTRIES) parsed.clear();
  parsed.set(text, result);
  return result;
}
