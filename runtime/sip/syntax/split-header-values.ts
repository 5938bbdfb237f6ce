// RFC 3261 §7.3.1: a header line of a list header may hold several values separated by commas. A
// comma inside a quoted string or inside <...> (a URI may contain commas in its headers part) does
// not separate values, which is the same scan parameter lists need, so both use splitOutsideQuotes.
import { splitOutsideQuotes } from './parse-params.ts';

/** Splits a header value at top-level commas; values are trimmed and empty ones dropped. */
export function splitHeaderValues(value: string): string[] {
  // Most lines hold one value: no comma, nothing to scan.
  if (!value.includes(',')) {
    const one = value.trim();
    return one.length > 0 ? [one] : [];
  }
  return splitOutsideQuotes(value, ',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}
