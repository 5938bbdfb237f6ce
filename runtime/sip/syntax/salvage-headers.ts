import { utf8 } from './parse-message.ts';
import { SipHeaders } from './sip-headers.ts';

/**
 * Best-effort reading of a message that failed to parse, to answer it with 400 (RFC 3261 §8.2 and
 * §18.2.1 need Via, From, To, Call-ID and CSeq to build any response). Returns undefined unless the
 * bytes look like a request carrying all of them.
 */
export function salvageRequestHeaders(raw: Buffer): { method: string; headers: SipHeaders } | undefined {
  const text = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const lines = text.split(/\r?\n/);
  const first = /^([A-Za-z]+)\s+\S+\s+SIP\/\d\.\d\s*$/i.exec(lines[0]?.trim() ?? '');
  if (first === null) return undefined;
  const headers = new SipHeaders();
  for (const line of lines.slice(1)) {
    if (line.length === 0) break;
    const m = /^\s*([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (m === null) continue;
    const key = m[1]!.toLowerCase();
    const wanted = { via: 'Via', v: 'Via', from: 'From', f: 'From', to: 'To', t: 'To', 'call-id': 'Call-ID', i: 'Call-ID', cseq: 'CSeq' } as Record<string, string>;
    const name = wanted[key];
    // Read back as UTF-8 like parsed values: the serializer writes UTF-8, so the 400 echoes
    // the peer's bytes (and a log shows them) rather than their latin1 mojibake.
    if (name !== undefined) headers.append(name, utf8(m[2]!.trim()));
  }
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) if (!headers.has(name)) return undefined;
  if (!/^\s*\d+\s+\S+\s*$/.test(headers.get('CSeq') ?? '')) return undefined;
  return { method: first[1]!, headers };
}
