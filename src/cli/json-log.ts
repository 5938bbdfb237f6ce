// --log json: one JSON object per line for every LogEvent the client emits. JSON.stringify escapes
// newlines inside strings, so one event can never span two lines; the replacer makes values JSON
// cannot hold (bigint, Buffer, Error) readable instead of throwing or dumping megabytes.
import type { LogEvent } from '../client-types.ts';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  if (value instanceof Uint8Array) return { bytes: value.byteLength };
  // Buffer.toJSON runs before the replacer sees it; turn its {type:'Buffer',data} back into a size.
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return { bytes: (value as { data: unknown[] }).data.length };
  }
  return value;
}

// JSON.stringify escapes C0 controls but writes DEL, C1 controls, bidi embeddings, overrides,
// isolates and marks, the line and paragraph separators and the BOM as they are: a peer's text
// could then drive a terminal showing the log (`tail -f`) or make a value read backwards. Outside
// strings JSON is plain ASCII, so every such character in the output is inside a string and can
// be rewritten as its \u escape; JSON.parse gives back the exact text.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const escapeUnsafe = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The line written for `event` (with its trailing newline). */
export function formatJsonLogLine(event: LogEvent): string {
  const seen = new WeakSet<object>();
  return `${stringify(event, seen).replace(UNSAFE_IN_JSON, escapeUnsafe)}\n`;
}

function stringify(event: LogEvent, seen: WeakSet<object>): string {
  return JSON.stringify(event, (key, value: unknown) => {
    const replaced = replacer(key, value);
    if (typeof replaced === 'object' && replaced !== null) {
      if (seen.has(replaced)) return '[circular]';
      seen.add(replaced);
    }
    return replaced;
  });
}

/**
 * A ClientOptions.log callback writing to `out`. Each line starts with `time`, the moment it was
 * logged as an ISO 8601 UTC timestamp with milliseconds, so lines from several processes interleave.
 */
export function createJsonLog(out: { write(text: string): unknown }, now: () => Date = () => new Date()): (event: LogEvent) => void {
  return (event) => void out.write(formatJsonLogLine({ time: now().toISOString(), ...event }));
}
