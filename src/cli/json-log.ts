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

/** The line written for `event` (with its trailing newline). */
export function formatJsonLogLine(event: LogEvent): string {
  const seen = new WeakSet<object>();
  return `${JSON.stringify(event, (key, value: unknown) => {
    const replaced = replacer(key, value);
    if (typeof replaced === 'object' && replaced !== null) {
      if (seen.has(replaced)) return '[circular]';
      seen.add(replaced);
    }
    return replaced;
  })}\n`;
}

/**
 * A ClientOptions.log callback writing to `out`. Each line starts with `time`, the moment it was
 * logged as an ISO 8601 UTC timestamp with milliseconds, so lines from several processes interleave.
 */
export function createJsonLog(out: { write(text: string): unknown }, now: () => Date = () => new Date()): (event: LogEvent) => void {
  return (event) => void out.write(formatJsonLogLine({ time: now().toISOString(), ...event }));
}
