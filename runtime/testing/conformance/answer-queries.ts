// Questions the wire checks of the receiving side's actions ask of an answerer scenario's outcome:
// which answer concerns the rule (the INVITE's or the re-INVITE's), whether m-line 0 was taken,
// refused or repeated an attribute, and whether a file arrived. Pure functions, never throwing.
import { sameFileSelector } from '../../sdp/offer-answer.ts';
import { answererFileSizes, type AnswererOutcome, type OfferedMline } from './answerer-outcome.ts';
import type { SipWireEntry, WireMline } from './wire-record.ts';

/** The answer that concerns the rule: the re-INVITE's in a re-offer scenario, else the INVITE's. */
export function current(o: AnswererOutcome): { entry: SipWireEntry | undefined; offered: OfferedMline; what: string } {
  return o.reoffer === undefined ? { entry: o.answer, offered: o.offer, what: 'the answer to the INVITE' } : { entry: o.reanswer, offered: o.reoffer, what: 'the answer to the re-INVITE' };
}

/** m-line 0 of a 2xx answer; undefined when the request was refused or the answer has no m-line. */
export function answered(entry: SipWireEntry | undefined): WireMline | undefined {
  if (entry === undefined || (entry.status ?? 0) >= 300) return undefined;
  return entry.sdp?.mlines[0];
}

export const isOpen = (m: WireMline | undefined): m is WireMline => m !== undefined && m.port !== 0;

export function refusedProblems(entry: SipWireEntry | undefined, what: string): string[] {
  if (entry === undefined) return [`${what}: no final response`];
  // A 5xx is the answerer failing (e.g. a spec that concludes nothing), not a refusal of the file.
  if ((entry.status ?? 0) >= 500 && (entry.status ?? 0) < 600) return [`${what}: ${entry.status}, a server failure rather than a refused m-line`];
  if ((entry.status ?? 0) >= 300) return [];
  const m = answered(entry);
  if (m === undefined) return [`${what}: a ${entry.status} without an SDP m-line`];
  return m.port === 0 ? [] : [`${what}: m-line 0 was accepted (port ${m.port}), not refused with port 0`];
}

export const delivered = (o: AnswererOutcome, session: 'first' | 'second'): boolean => o.pushes.some((p) => p.session === session && p.outcome === 'delivered');

// RFC 5547 §8 (push): the answer takes the file recvonly, with our MSRP path; then the file
// arrives and is published under its name.
export function takenProblems(o: AnswererOutcome, direction: 'recvonly' | 'sendonly'): string[] {
  const { entry, offered, what } = current(o);
  const m = answered(entry);
  if (entry === undefined) return [`${what}: no final response`];
  if (!isOpen(m)) return [`${what}: m-line 0 was not accepted (status ${entry.status ?? '-'}${m === undefined ? '' : ', port 0'})`];
  const problems: string[] = [];
  if (m.direction !== direction) problems.push(`${what}: m-line 0 is ${m.direction}, not ${direction}`);
  if (!m.path.some((p) => /^msrps?:\/\//i.test(p))) problems.push(`${what}: m-line 0 has no MSRP a=path`);
  if (direction === 'recvonly') {
    if (!delivered(o, o.reoffer === undefined ? 'first' : 'second')) problems.push(`the file ${offered.name} was not taken over MSRP`);
    if (!o.published.includes(offered.name)) problems.push(`the file ${offered.name} was not published (folder: ${o.published.join(', ') || 'empty'})`);
  } else if (o.pulled === undefined || !o.pulled.identical || o.pulled.bytes !== answererFileSizes.served) {
    problems.push(`the served file did not arrive whole (${o.pulled?.bytes ?? 0} of ${answererFileSizes.served} bytes${o.pulled?.identical === false ? ', bytes differ' : ''})`);
  }
  return problems;
}

export function echoProblems(o: AnswererOutcome, attribute: 'file-selector' | 'file-transfer-id'): string[] {
  const { entry, offered, what } = current(o);
  const m = answered(entry);
  if (!isOpen(m)) return [`${what}: m-line 0 was not accepted, so nothing is repeated`];
  if (attribute === 'file-selector') {
    if (m.fileSelector === undefined) return [`${what}: m-line 0 has no a=file-selector`];
    return sameFileSelector(offered.selector, m.fileSelector) ? [] : [`${what}: a=file-selector:${m.fileSelector} does not describe the offered ${offered.selector}`];
  }
  if (m.fileTransferId === undefined) return [`${what}: m-line 0 has no a=file-transfer-id`];
  return m.fileTransferId === offered.transferId ? [] : [`${what}: a=file-transfer-id:${m.fileTransferId} is not the offered ${offered.transferId}`];
}

export function echoAbsence(o: AnswererOutcome, attribute: 'file-selector' | 'file-transfer-id'): string[] {
  const { entry, what } = current(o);
  const m = answered(entry);
  if (!isOpen(m)) return [];
  const value = attribute === 'file-selector' ? m.fileSelector : m.fileTransferId;
  return value === undefined ? [] : [`${what}: m-line 0 must not repeat a=${attribute}, but carries ${value}`];
}
