// The Warning header field (RFC 3261 §20.43): warn-code SP warn-agent SP warn-text, where 399 is
// the code for free text and warn-text a quoted string. We use it to say why an offer (or one of
// its m-lines) was refused, in words a person on the other end can act on.
import { quote, splitOutsideQuotes, unquote } from './parse-params.ts';
import { splitHeaderValues } from './split-header-values.ts';

/** `399 host "text"`, with controls (not allowed in a quoted string) turned into spaces. */
export function formatWarning(agent: string, text: string, code = 399): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return `${code} ${agent} ${quote(clean.length > 300 ? `${clean.slice(0, 299)}…` : clean)}`;
}

/** The warn-text of every Warning value on the header lines given (unquoted). */
export function parseWarningTexts(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    for (const value of splitHeaderValues(line)) {
      const parts = splitOutsideQuotes(value, ' ').filter((p) => p !== '');
      if (parts.length < 3 || !/^\d{3}$/.test(parts[0] ?? '')) continue;
      out.push(unquote(parts.slice(2).join(' ')));
    }
  }
  return out;
}
