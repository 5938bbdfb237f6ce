// Generic `;name=value` parameter lists (RFC 3261 §25.1: generic-param = token [ EQUAL gen-value ],
// where gen-value is a token, a host or a quoted-string). Names are case-insensitive and stored
// lower-case; a parameter without a value maps to null.

export type SipParams = Record<string, string | null>;

/** Splits at `sep` outside quoted strings and <...>. */
export function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuotes = false;
  let angle = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuotes = false;
    } else if (ch === '"') inQuotes = true;
    else if (ch === '<') angle++;
    else if (ch === '>' && angle > 0) angle--;
    else if (ch === sep && angle === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Parses `;a=1;b;c="x y"` (leading separator optional). Quoted values keep their quotes. */
export function parseParams(text: string, sep = ';'): SipParams {
  const params: SipParams = {};
  for (const part of splitOutsideQuotes(text, sep)) {
    const trimmed = part.trim();
    if (trimmed.length === 0) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) params[trimmed.toLowerCase()] = null;
    else params[trimmed.slice(0, eq).trim().toLowerCase()] = trimmed.slice(eq + 1).trim();
  }
  return params;
}

export function formatParams(params: SipParams, sep = ';'): string {
  return Object.entries(params)
    .map(([k, v]) => `${sep}${k}${v === null ? '' : `=${v}`}`)
    .join('');
}

/** Removes surrounding quotes and backslash escapes from a quoted-string (RFC 3261 §25.1). */
export function unquote(value: string): string {
  const t = value.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

export function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}
