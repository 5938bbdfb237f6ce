// Splits one direction of an MSRP TCP stream into messages. tshark 4.0's MSRP dissector decodes only the
// first message of a segment and never reassembles across segments, so the capture helper feeds raw
// TCP payloads through this splitter and keeps tshark's own decode as a cross-check.

/** One MSRP message seen on the wire (RFC 4975 §7.1: start line, headers, optional body, end-line). */
export interface MsrpMessageSummary {
  readonly kind: 'request' | 'response';
  readonly tid: string;
  readonly method?: string;
  readonly status?: number;
  readonly comment?: string;
  /** Header fields in wire order (names as sent). */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** RFC 4975 §7.1 continuation flag: `$` complete, `+` more chunks, `#` aborted. */
  readonly flag: '$' | '+' | '#';
  readonly bodyLength: number;
}

/** Case-insensitive header lookup on a summary. */
export function msrpHeader(message: MsrpMessageSummary, name: string): string | undefined {
  const lower = name.toLowerCase();
  return message.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

// RFC 4975 §9 req-start / resp-start: "MSRP" SP transact-id SP (method | status-code [SP comment]).
// Lenient on purpose (ident is 4..32 chars in the ABNF): a capture tool should report what was sent.
const START_LINE = /^MSRP ([A-Za-z0-9][A-Za-z0-9.+%=-]{0,63}) (?:(\d{3})(?: ([^\r\n]*))?|([A-Z]+))\r\n/;

export class MsrpStreamSplitter {
  // latin1 keeps one char per byte, so offsets in the string are byte offsets.
  private buffered = '';

  /** Appends bytes; returns the messages completed by them. Garbage before a start line is skipped. */
  push(bytes: Uint8Array): MsrpMessageSummary[] {
    this.buffered += Buffer.from(bytes).toString('latin1');
    const out: MsrpMessageSummary[] = [];
    for (;;) {
      const start = this.buffered.indexOf('MSRP ');
      if (start < 0) { this.buffered = this.buffered.slice(-4); return out; }
      if (start > 0) this.buffered = this.buffered.slice(start);
      const line = START_LINE.exec(this.buffered);
      if (line === null) {
        // Incomplete start line: wait for more bytes unless a full line is already there and invalid.
        if (this.buffered.includes('\r\n')) { this.buffered = this.buffered.slice(5); continue; }
        return out;
      }
      const [startLine, tid = '', status, comment, method] = line;
      // RFC 4975 §7.1: the end-line is seven dashes, the transaction id and a flag, on its own line.
      const endMarker = `\r\n-------${tid}`;
      let searchFrom = startLine.length - 2;
      let endAt = -1;
      let flag: '$' | '+' | '#' = '$';
      for (;;) {
        const at = this.buffered.indexOf(endMarker, searchFrom);
        if (at < 0) break;
        const f = this.buffered[at + endMarker.length];
        if (f === undefined || this.buffered.length < at + endMarker.length + 3) break; // need flag + CRLF
        if ((f === '$' || f === '+' || f === '#') && this.buffered.startsWith('\r\n', at + endMarker.length + 1)) {
          endAt = at; flag = f; break;
        }
        searchFrom = at + 1;
      }
      if (endAt < 0) return out;
      const inner = this.buffered.slice(startLine.length, endAt + 2);
      const blank = inner.indexOf('\r\n\r\n');
      const headerText = blank < 0 ? inner : inner.slice(0, blank + 2);
      const body = blank < 0 ? '' : inner.slice(blank + 4, -2);
      const headers: Array<readonly [string, string]> = [];
      for (const h of headerText.split('\r\n')) {
        const colon = h.indexOf(':');
        if (colon > 0) headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
      }
      out.push({
        kind: method === undefined ? 'response' : 'request',
        tid,
        ...(method !== undefined ? { method } : {}),
        ...(status !== undefined ? { status: Number(status) } : {}),
        ...(comment !== undefined ? { comment } : {}),
        headers,
        flag,
        bodyLength: body.length,
      });
      this.buffered = this.buffered.slice(endAt + endMarker.length + 3);
    }
  }
}
