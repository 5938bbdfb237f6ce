// The Reason header field (RFC 3326 §2): why a request such as BYE or CANCEL was sent. A value is a
// protocol token followed by parameters, of which `cause` (for protocol SIP: a status code) and
// `text` (a quoted string) are the ones defined; several values may be listed, comma-separated.
import { parseParams, quote, splitOutsideQuotes, unquote } from './parse-params.ts';
import { splitHeaderValues } from './split-header-values.ts';

export interface SipReason {
  /** `SIP`, `Q.850` or another protocol token. */
  readonly protocol: string;
  readonly cause: number | undefined;
  readonly text: string | undefined;
}

/**
 * `SIP ;cause=503 ;text="..."`. A quoted string cannot carry CR, LF or other controls (RFC 3261
 * §25.1, qdtext and quoted-pair exclude them), so they become spaces; the text is also bounded so
 * a long error message cannot bloat the request.
 */
export function formatReason(reason: { readonly protocol?: string; readonly cause: number; readonly text?: string }): string {
  const protocol = reason.protocol ?? 'SIP';
  let value = `${protocol} ;cause=${reason.cause}`;
  if (reason.text !== undefined) {
    // eslint-disable-next-line no-control-regex
    const clean = reason.text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    value += ` ;text=${quote(clean.length > 200 ? `${clean.slice(0, 199)}…` : clean)}`;
  }
  return value;
}

/** Every value of the Reason header lines given; values that are not a protocol token are skipped. */
export function parseReasons(lines: readonly string[]): SipReason[] {
  const out: SipReason[] = [];
  for (const line of lines) {
    for (const value of splitHeaderValues(line)) {
      const [head = '', ...rest] = splitOutsideQuotes(value, ';');
      const protocol = head.trim();
      if (!/^[A-Za-z0-9.!%*_+`'~-]+$/.test(protocol)) continue;
      const params = parseParams(rest.join(';'));
      const causeText = params['cause'];
      const cause = causeText !== undefined && causeText !== null && /^\d{1,6}$/.test(causeText) ? Number(causeText) : undefined;
      const textValue = params['text'];
      out.push({ protocol, cause, text: textValue === undefined || textValue === null ? undefined : unquote(textValue) });
    }
  }
  return out;
}

/** One line for people: `503 cannot connect ...` from the first SIP reason, else the first one given. */
export function describeReasons(reasons: readonly SipReason[]): string | undefined {
  const first = reasons.find((r) => r.protocol.toUpperCase() === 'SIP') ?? reasons[0];
  if (first === undefined) return undefined;
  const parts = [first.protocol.toUpperCase() === 'SIP' ? undefined : first.protocol, first.cause?.toString(), first.text].filter((p) => p !== undefined && p !== '');
  return parts.length === 0 ? undefined : parts.join(' ');
}
