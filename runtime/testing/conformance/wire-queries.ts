// Small questions asked of a wire record by the expectations: which INVITE opened the session,
// which re-INVITEs followed, when the last SEND of a file was answered. Retransmissions over UDP
// are folded: a request counts once per (Call-ID, CSeq, method).
import type { MsrpWireEntry, SipWireEntry, WireMline, WireRecord } from './wire-record.ts';

export function senderRequests(record: WireRecord, method: string): SipWireEntry[] {
  const seen = new Set<string>();
  const out: SipWireEntry[] = [];
  for (const e of record.sip()) {
    if (e.from !== 'sender' || e.kind !== 'request' || e.method !== method) continue;
    const key = `${e.callId}|${e.cseq}|${e.method}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

export const initialInvites = (record: WireRecord): SipWireEntry[] => senderRequests(record, 'INVITE').filter((e) => !e.inDialog);
export const reinvites = (record: WireRecord): SipWireEntry[] => senderRequests(record, 'INVITE').filter((e) => e.inDialog);
export const byes = (record: WireRecord): SipWireEntry[] => senderRequests(record, 'BYE');

/** The final response the peer gave to a request (first one recorded). */
export function finalResponseTo(record: WireRecord, request: SipWireEntry): SipWireEntry | undefined {
  return record.sip().find((e) => e.from === 'peer' && e.kind === 'response' && e.callId === request.callId && e.cseq === request.cseq && e.method === request.method && (e.status ?? 0) >= 200);
}

/** The decoded `name` of a file-selector, or undefined. */
export function selectorName(selector: string | undefined): string | undefined {
  const m = selector === undefined ? null : /(?:^|\s)name:"((?:[^"\\]|\\.)*)"/.exec(selector);
  if (m === null || m[1] === undefined) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export function selectorPart(selector: string | undefined, key: string): string | undefined {
  if (selector === undefined) return undefined;
  const m = new RegExp(`(?:^|\\s)${key}:("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(selector);
  return m?.[1];
}

export function mlinesOf(entry: SipWireEntry | undefined): readonly WireMline[] {
  return entry?.sdp?.mlines ?? [];
}

/** Open m-lines (port not 0) naming a file, with the names. */
export function offeredNames(entry: SipWireEntry | undefined): string[] {
  return mlinesOf(entry).filter((m) => m.port !== 0).map((m) => selectorName(m.fileSelector) ?? '');
}

/** The peer's MSRP answers to SENDs and its REPORTs about the named files. */
export function peerMsrpAbout(record: WireRecord, names: readonly string[]): MsrpWireEntry[] {
  return record.msrp().filter((e) => e.from === 'peer' && e.file !== undefined && names.includes(e.file.name) && (e.kind === 'response' || e.method === 'REPORT'));
}

export function senderSendsOf(record: WireRecord, name: string): MsrpWireEntry[] {
  return record.msrp().filter((e) => e.from === 'sender' && e.kind === 'request' && e.method === 'SEND' && e.file?.name === name);
}

export const maxSeq = (entries: readonly { seq: number }[]): number => entries.reduce((m, e) => Math.max(m, e.seq), 0);

/** `sip:bob@127.0.0.1:5060;transport=tcp` and `<sip:bob@127.0.0.1:5060>` compare equal. */
export function sameSipUri(a: string | undefined, b: string): boolean {
  const core = (u: string): string => (/^<?\s*(sips?:[^;?>]+)/i.exec(u.trim())?.[1] ?? u).toLowerCase();
  return a !== undefined && core(a) === core(b);
}

export function header(entry: SipWireEntry | undefined, name: string): string[] {
  return (entry?.headers ?? []).filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
}
