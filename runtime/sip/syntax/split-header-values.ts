// RFC 3261 §7.3.1: a header line of a list header may hold several values separated by commas. A
// comma inside a quoted string or inside <...> (a URI may contain commas in its headers part) does
// not separate values.

/** Splits a header value at top-level commas; values are trimmed and empty ones dropped. */
export function splitHeaderValues(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuotes = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (inQuotes) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuotes = false;
    } else if (ch === '"') inQuotes = true;
    else if (ch === '<') angle++;
    else if (ch === '>' && angle > 0) angle--;
    else if (ch === ',' && angle === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((v) => v.trim()).filter((v) => v.length > 0);
}
