// What each action of the receiving side means on the wire (RFC 5547 §8, §8.1, §6), as checks
// over an answerer scenario's outcome: the SDP answer the receiver or file server sent, and what
// then happened to the file over MSRP and in the receiver's folder. Like expect-action.ts, the
// table is hand-written and typed over every receiver action; a check returns problems, never throws.
import type { ReceiverAction } from '../../procedure/roles.ts';
import { sameFileSelector } from '../../sdp/offer-answer.ts';
import type { AnswererOutcome, OfferedMline } from './answerer-outcome.ts';
import { answererFileSizes } from './run-answerer-scenario.ts';
import type { SipWireEntry, WireMline } from './wire-record.ts';

export type AnswerCheck = (outcome: AnswererOutcome, args: readonly string[]) => string[];

/** The answer that concerns the rule: the re-INVITE's in a re-offer scenario, else the INVITE's. */
function current(o: AnswererOutcome): { entry: SipWireEntry | undefined; offered: OfferedMline; what: string } {
  return o.reoffer === undefined ? { entry: o.answer, offered: o.offer, what: 'the answer to the INVITE' } : { entry: o.reanswer, offered: o.reoffer, what: 'the answer to the re-INVITE' };
}

/** m-line 0 of a 2xx answer; undefined when the request was refused or the answer has no m-line. */
function answered(entry: SipWireEntry | undefined): WireMline | undefined {
  if (entry === undefined || (entry.status ?? 0) >= 300) return undefined;
  return entry.sdp?.mlines[0];
}

const isOpen = (m: WireMline | undefined): m is WireMline => m !== undefined && m.port !== 0;

function refusedProblems(entry: SipWireEntry | undefined, what: string): string[] {
  if (entry === undefined) return [`${what}: no final response`];
  // A 5xx is the answerer failing (e.g. a spec that concludes nothing), not a refusal of the file.
  if ((entry.status ?? 0) >= 500 && (entry.status ?? 0) < 600) return [`${what}: ${entry.status}, a server failure rather than a refused m-line`];
  if ((entry.status ?? 0) >= 300) return [];
  const m = answered(entry);
  if (m === undefined) return [`${what}: a ${entry.status} without an SDP m-line`];
  return m.port === 0 ? [] : [`${what}: m-line 0 was accepted (port ${m.port}), not refused with port 0`];
}

const delivered = (o: AnswererOutcome, session: 'first' | 'second'): boolean => o.pushes.some((p) => p.session === session && p.outcome === 'delivered');

// RFC 5547 §8 (push): the answer takes the file recvonly, with our MSRP path; then the file
// arrives and is published under its name.
function takenProblems(o: AnswererOutcome, direction: 'recvonly' | 'sendonly'): string[] {
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

function echoProblems(o: AnswererOutcome, attribute: 'file-selector' | 'file-transfer-id'): string[] {
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

function echoAbsence(o: AnswererOutcome, attribute: 'file-selector' | 'file-transfer-id'): string[] {
  const { entry, what } = current(o);
  const m = answered(entry);
  if (!isOpen(m)) return [];
  const value = attribute === 'file-selector' ? m.fileSelector : m.fileTransferId;
  return value === undefined ? [] : [`${what}: m-line 0 must not repeat a=${attribute}, but carries ${value}`];
}

export const answerChecks: { readonly [A in ReceiverAction]: AnswerCheck } = {
  'answer-recvonly': (o) => takenProblems(o, 'recvonly'),
  // RFC 5547 §8 (pull): the answer serves the file sendonly and sends it over MSRP.
  'answer-sendonly': (o) => takenProblems(o, 'sendonly'),
  'echo-file-selector': (o) => echoProblems(o, 'file-selector'),
  'echo-file-transfer-id': (o) => echoProblems(o, 'file-transfer-id'),
  // RFC 3264 §6: a refused m-line is answered with port 0 (or the INVITE is refused when nothing
  // is left), and no file changes hands.
  'reject-mline': (o) => {
    const { entry, offered, what } = current(o);
    const problems = refusedProblems(entry, what);
    if (o.published.includes(offered.name)) problems.push(`the refused file ${offered.name} was published`);
    if ((o.pulled?.bytes ?? 0) > 0) problems.push(`${o.pulled?.bytes} bytes of a refused pull were sent`);
    return problems;
  },
  // RFC 5547 §8.1: the same file-transfer-id keeps the transfer and its MSRP session.
  'keep-transfer': (o) => {
    const m = answered(o.reanswer);
    const problems: string[] = [];
    if (!isOpen(m)) problems.push('the answer to the re-INVITE did not keep m-line 0 open');
    // Whether the answer repeats the id at all is the echo rules' business; a different one is not a keep.
    else if (m.fileTransferId !== undefined && m.fileTransferId !== o.offer.transferId) problems.push(`the answer to the re-INVITE gives a=file-transfer-id:${m.fileTransferId}, not the kept ${o.offer.transferId}`);
    if (!delivered(o, 'first')) problems.push(`${o.offer.name} was not taken on its first MSRP session after the re-INVITE`);
    if (!o.published.includes(o.offer.name)) problems.push(`${o.offer.name} was not published`);
    return problems;
  },
  // RFC 5547 §8.1 / RFC 3264 §8.2: the transfer the m-line carried is over: its file is refused on
  // the old MSRP session and never published.
  'close-transfer': (o) => {
    const problems: string[] = [];
    if (o.reanswer === undefined || (o.reanswer.status ?? 0) >= 300) problems.push(`the re-INVITE was not answered 2xx (${o.reanswer?.status ?? 'no answer'})`);
    const first = o.pushes.find((p) => p.session === 'first');
    if (first === undefined) problems.push(`${o.offer.name} was never tried on its first session`);
    else if (first.outcome === 'delivered') problems.push(`${o.offer.name} was still taken on the closed transfer's MSRP session`);
    if (o.published.includes(o.offer.name)) problems.push(`${o.offer.name} of the closed transfer was published`);
    return problems;
  },
  // RFC 5547 §8.1: a new file-transfer-id on the m-line is answered as a new file offer.
  'take-as-new-offer': (o) => {
    const m = answered(o.reanswer);
    const re = o.reoffer;
    if (re === undefined) return ['the scenario sent no re-offer'];
    const problems: string[] = [];
    if (!isOpen(m)) problems.push('the answer to the re-INVITE did not accept the new file on m-line 0');
    else {
      if (m.direction !== 'recvonly') problems.push(`the re-answered m-line 0 is ${m.direction}, not recvonly`);
      if (m.fileTransferId !== undefined && m.fileTransferId !== re.transferId) problems.push(`the re-answered m-line 0 gives a=file-transfer-id:${m.fileTransferId}, not the new ${re.transferId}`);
    }
    if (!delivered(o, 'second')) problems.push(`the new file ${re.name} was not taken on the new MSRP session`);
    if (!o.published.includes(re.name)) problems.push(`the new file ${re.name} was not published`);
    return problems;
  },
  // RFC 5547 §6 / RFC 4975 §10: bytes that do not match the offered hash are refused with 400 and
  // the file never appears under its name.
  'verify-file-hash': (o) => {
    if (!o.corrupted) return ['the scenario pushed no file that differs from its offered hash'];
    const push = o.pushes.find((p) => p.session === 'first');
    const problems: string[] = [];
    if (push === undefined) problems.push(`${o.offer.name} was never pushed`);
    else if (push.outcome === 'delivered') problems.push(`${o.offer.name}, whose bytes differ from the offered hash, was taken (200)`);
    else if (push.status !== 400) problems.push(`${o.offer.name} was refused with ${push.status ?? 'no status'}, not 400`);
    if (o.published.includes(o.offer.name)) problems.push(`${o.offer.name}, whose bytes differ from the offered hash, was published`);
    return problems;
  },
};

export const answerAbsenceChecks: { readonly [A in ReceiverAction]: AnswerCheck } = {
  'answer-recvonly': (o) => {
    const { entry, offered, what } = current(o);
    const m = answered(entry);
    const problems = isOpen(m) && m.direction === 'recvonly' ? [`${what}: m-line 0 must not be accepted, but was answered recvonly on port ${m.port}`] : [];
    if (o.published.includes(offered.name)) problems.push(`${offered.name} must not be taken, but was published`);
    return problems;
  },
  'answer-sendonly': (o) => {
    const { entry, what } = current(o);
    const m = answered(entry);
    const problems = isOpen(m) && m.direction === 'sendonly' ? [`${what}: m-line 0 must not be served, but was answered sendonly on port ${m.port}`] : [];
    if ((o.pulled?.bytes ?? 0) > 0) problems.push(`no file may be served, but ${o.pulled?.bytes} bytes were sent`);
    return problems;
  },
  'echo-file-selector': (o) => echoAbsence(o, 'file-selector'),
  'echo-file-transfer-id': (o) => echoAbsence(o, 'file-transfer-id'),
  'reject-mline': (o) => {
    const { entry, what } = current(o);
    return refusedProblems(entry, what).length === 0 ? [`${what}: m-line 0 must not be refused, but was (${entry?.status ?? '-'}${isOpen(answered(entry)) ? '' : ', port 0'})`] : [];
  },
  'keep-transfer': (o) => (delivered(o, 'first') ? [`the transfer must not go on, but ${o.offer.name} was taken on its first session after the re-INVITE`] : []),
  'close-transfer': (o) => (delivered(o, 'first') && o.published.includes(o.offer.name) ? [] : [`the transfer must not be closed, but ${o.offer.name} was not taken on its session after the re-INVITE`]),
  'take-as-new-offer': (o) => {
    const re = o.reoffer;
    if (re === undefined) return [];
    return delivered(o, 'second') || o.published.includes(re.name) ? [`the re-offered file must not be taken as a new offer, but ${re.name} was received`] : [];
  },
  'verify-file-hash': (o) => {
    const push = o.pushes.find((p) => p.session === 'first');
    return push !== undefined && push.outcome === 'refused' && push.status === 400 ? [`the hash must not be checked, but ${o.offer.name} was refused with 400`] : [];
  },
};
