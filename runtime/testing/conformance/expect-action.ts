// What each procedure action means on the wire, as checks over a scenario's wire record. This
// table is hand-written: it is the meaning of the vocabulary in messages. Which actions a rule
// asks for (and which must not happen) is generated from the IR; the generated wire tests apply
// these checks and fail on any problem returned. A check returns problems, never throws, so unit
// tests can prove that each one rejects a wrong record.
import { cpmIcsi, ICSI_FEATURE_TAG, icsiFeatureValue } from '../../sip/cpm-headers.ts';
import type { ProcedureAction } from '../../procedure/vocabulary.ts';
import { actionRoles, type ReceiverAction, type SenderAction } from '../../procedure/roles.ts';
import { isAnswererOutcome, type AnswererOutcome } from './answerer-outcome.ts';
import { answerAbsenceChecks, answerChecks } from './expect-answer.ts';
import type { ScenarioOutcome } from './scenario-outcome.ts';
import type { SipWireEntry } from './wire-record.ts';
import {
  byes,
  finalResponseTo,
  header,
  initialInvites,
  maxSeq,
  mlinesOf,
  offeredNames,
  peerMsrpAbout,
  reinvites,
  sameSipUri,
  selectorName,
  selectorPart,
  senderSendsOf,
} from './wire-queries.ts';

export type WireCheck = (outcome: ScenarioOutcome, args: readonly string[]) => string[];

const names = (files: readonly { name: string }[]): string[] => files.map((f) => f.name);
const first = (o: ScenarioOutcome): SipWireEntry | undefined => initialInvites(o.record)[0];
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

// CPM 7.3.1 / 7.4.1.x (via the CPM headers the client writes): a file-transfer INVITE asks for a
// CPM file-transfer capable device with the ICSI feature tag in Accept-Contact, and carries
// Conversation-ID and Contribution-ID; RFC 3264 §5: the INVITE carries the SDP offer.
function cpmInviteProblems(invite: SipWireEntry | undefined, target: string, what: string): string[] {
  if (invite === undefined) return [`${what}: no INVITE was sent`];
  const problems: string[] = [];
  if (!sameSipUri(invite.requestUri, target)) problems.push(`${what}: INVITE Request-URI ${invite.requestUri ?? '(none)'} is not ${target}`);
  const feature = `${ICSI_FEATURE_TAG}=${icsiFeatureValue(cpmIcsi.fileTransfer)}`;
  if (!header(invite, 'Accept-Contact').some((v) => v.includes(feature))) problems.push(`${what}: Accept-Contact does not carry ${feature}`);
  if (header(invite, 'Conversation-ID').length === 0) problems.push(`${what}: no Conversation-ID`);
  if (header(invite, 'Contribution-ID').length === 0) problems.push(`${what}: no Contribution-ID`);
  if (invite.sdp === undefined || invite.sdp.mlines.length === 0) problems.push(`${what}: no SDP offer`);
  return problems;
}

const recipientListPart = (invite: SipWireEntry | undefined) =>
  invite?.parts.find((p) => /^\s*application\/resource-lists\+xml/i.test(p.contentType) && /recipient-list/i.test(p.disposition ?? ''));

const clauseChecks: Readonly<Record<string, (o: ScenarioOutcome) => string[]>> = {
  '7.3.1': (o) => {
    const invite = first(o);
    const problems = cpmInviteProblems(invite, o.peer.recipient, '7.3.1 1-1 session');
    if (recipientListPart(invite) !== undefined) problems.push('7.3.1 1-1 session: the INVITE carries a recipient list');
    return problems;
  },
  // CPM 7.4.1.1 with RFC 5366 §4: to the conference factory, multipart/mixed with the SDP and a
  // resource list marked recipient-list, and Require: recipient-list-invite.
  '7.4.1.1': (o) => {
    const invite = first(o);
    const problems = cpmInviteProblems(invite, o.peer.factory, '7.4.1.1 ad-hoc group');
    if (invite === undefined) return problems;
    if (!/^\s*multipart\/mixed/i.test(invite.contentType ?? '')) problems.push(`7.4.1.1 ad-hoc group: Content-Type ${invite.contentType ?? '(none)'} is not multipart/mixed`);
    if (!header(invite, 'Require').some((v) => /\brecipient-list-invite\b/i.test(v))) problems.push('7.4.1.1 ad-hoc group: no Require: recipient-list-invite');
    const list = recipientListPart(invite);
    if (list === undefined) problems.push('7.4.1.1 ad-hoc group: no application/resource-lists+xml part with Content-Disposition: recipient-list');
    else for (const uri of o.peer.recipients) if (!list.text.includes(`uri="${uri}"`)) problems.push(`7.4.1.1 ad-hoc group: recipient ${uri} missing from the list`);
    return problems;
  },
  // CPM 7.4.1.2: the INVITE goes to the pre-defined group's URI; the group server knows the members.
  '7.4.1.2': (o) => {
    const invite = first(o);
    const problems = cpmInviteProblems(invite, o.peer.group, '7.4.1.2 pre-defined group');
    if (recipientListPart(invite) !== undefined) problems.push('7.4.1.2 pre-defined group: the INVITE carries a recipient list');
    return problems;
  },
  '7.6.2': (o) => byeProblems(o),
};

// RFC 3261 §15.1.1 / CPM 7.6.2: the sender ends each session it opened with one BYE, sent only once
// everything of that session is over: every SEND answered, every REPORT in, every re-INVITE done.
function byeProblems(o: ScenarioOutcome): string[] {
  const problems: string[] = [];
  const invites = initialInvites(o.record).filter((i) => (finalResponseTo(o.record, i)?.status ?? 0) < 300);
  if (invites.length === 0) return ['BYE: no session was established'];
  for (const invite of invites) {
    const sessionByes = byes(o.record).filter((b) => b.callId === invite.callId);
    if (sessionByes.length !== 1) {
      problems.push(`BYE: ${sessionByes.length} BYEs for the session ${invite.callId}, expected 1`);
      continue;
    }
    const bye = sessionByes[0] as SipWireEntry;
    const sessionReinvites = reinvites(o.record).filter((r) => r.callId === invite.callId);
    const files = [invite, ...sessionReinvites].flatMap(offeredNames);
    const lastMsrp = maxSeq(peerMsrpAbout(o.record, files));
    if (bye.seq < lastMsrp) problems.push(`BYE #${bye.seq} sent before the peer's last MSRP response/REPORT #${lastMsrp}`);
    for (const r of sessionReinvites) {
      const answered = finalResponseTo(o.record, r);
      if (answered === undefined || bye.seq < answered.seq) problems.push(`BYE #${bye.seq} sent before the re-INVITE #${r.seq} was answered`);
    }
    if (finalResponseTo(o.record, bye)?.status !== 200) problems.push(`BYE #${bye.seq} was not answered 200`);
  }
  return problems;
}

/** The last peer answer (200 to a SEND, or success REPORT when requested) for the first batch. */
function firstBatchDone(o: ScenarioOutcome): number {
  const entries = peerMsrpAbout(o.record, names(o.batch)).filter((e) => e.kind === 'response' ? e.status === 200 : e.reportStatus?.code === 200);
  return maxSeq(entries);
}

// The sender's actions; the receiving side's are in expect-answer.ts (both typed over their role).
const actionChecks: { readonly [A in SenderAction]: WireCheck } = {
  'follow-clause': (o, args) => {
    const clause = args[0] ?? '';
    const check = clauseChecks[clause];
    return check === undefined ? [`follow-clause ${clause}: no wire meaning known for this clause`] : check(o);
  },
  // RFC 5547 §8.1 / RFC 4975 §8.1: a pushed file is offered as `m=message <port> TCP/MSRP *`,
  // send-only, with the offerer's MSRP a=path; and the file then goes over MSRP to the answerer.
  'apply-rfc5547': (o) => {
    const invite = first(o);
    if (invite === undefined) return ['RFC 5547: no INVITE was sent'];
    if (mlinesOf(invite).length === 0) return ['RFC 5547: the INVITE offered no m-line'];
    const problems: string[] = [];
    for (const m of mlinesOf(invite)) {
      const at = `RFC 5547: m-line ${m.index}`;
      if (m.media !== 'message') problems.push(`${at}: media ${m.media} is not message`);
      if (!/^TCP\/(TLS\/)?MSRP$/i.test(m.proto)) problems.push(`${at}: proto ${m.proto} is not TCP/MSRP`);
      if (!m.formats.includes('*')) problems.push(`${at}: formats ${m.formats.join(' ')} lack *`);
      if (m.port === 0) problems.push(`${at}: offered with port 0`);
      if (m.direction !== 'sendonly') problems.push(`${at}: direction ${m.direction} is not sendonly`);
      if (!m.path.some((p) => /^msrps?:\/\//i.test(p))) problems.push(`${at}: no MSRP a=path`);
    }
    for (const name of offeredNames(invite)) if (senderSendsOf(o.record, name).length === 0) problems.push(`RFC 5547: file ${name} was never sent over MSRP`);
    return problems;
  },
  // RFC 5547 §5 / §6: each file m-line describes its file (file-selector with name, type, size and
  // hash) and names the transfer (file-transfer-id), with the send-only direction of a push.
  'add-file-attributes': (o) => {
    const invite = first(o);
    if (invite === undefined) return ['file attributes: no INVITE was sent'];
    const problems: string[] = [];
    const open = mlinesOf(invite).filter((m) => m.port !== 0);
    if (open.length === 0) problems.push('file attributes: no open m-line in the offer');
    for (const m of open) {
      const at = `file attributes: m-line ${m.index}`;
      if (m.fileSelector === undefined) {
        problems.push(`${at}: no a=file-selector`);
        continue;
      }
      for (const key of ['name', 'type', 'size', 'hash']) if (selectorPart(m.fileSelector, key) === undefined) problems.push(`${at}: file-selector lacks ${key}`);
      const name = selectorName(m.fileSelector);
      const file = o.batch.find((f) => f.name === name);
      if (file === undefined) problems.push(`${at}: file-selector names ${name ?? '(nothing)'}, not a file of the batch`);
      else if (selectorPart(m.fileSelector, 'size') !== String(file.size)) problems.push(`${at}: file-selector size ${selectorPart(m.fileSelector, 'size') ?? '-'} is not ${file.size}`);
      if (!/^sha-1:([0-9A-F]{2}:){19}[0-9A-F]{2}$/.test(selectorPart(m.fileSelector, 'hash') ?? '')) problems.push(`${at}: file-selector hash is not sha-1 with 20 hex pairs`);
      if (m.fileTransferId === undefined || m.fileTransferId === '') problems.push(`${at}: no a=file-transfer-id`);
      if (m.direction !== 'sendonly') problems.push(`${at}: not a=sendonly`);
      if (m.path.length === 0) problems.push(`${at}: no a=path`);
    }
    return problems;
  },
  // RFC 5547 §8.1 via clause 7.6.1 step 3: N files, N m-lines, one INVITE, distinct transfer ids.
  'one-mline-per-file': (o) => {
    const invites = initialInvites(o.record);
    const invite = invites[0];
    if (invite === undefined) return ['one m-line per file: no INVITE was sent'];
    const problems: string[] = [];
    const lines = mlinesOf(invite);
    if (lines.length !== o.batch.length) problems.push(`one m-line per file: ${lines.length} m-lines for ${o.batch.length} files`);
    const ids = lines.map((m) => m.fileTransferId ?? '');
    if (new Set(ids).size !== ids.length) problems.push(`one m-line per file: transfer ids are not distinct (${ids.join(', ')})`);
    if (!sameSet(offeredNames(invite), names(o.batch))) problems.push(`one m-line per file: the INVITE offers ${offeredNames(invite).join(', ')}, not ${names(o.batch).join(', ')}`);
    const later = invites.slice(1).filter((i) => offeredNames(i).some((n) => names(o.batch).includes(n)));
    if (later.length > 0) problems.push(`one m-line per file: files of the batch were offered again in INVITE #${later[0]?.seq}`);
    return problems;
  },
  // Clause 7.6.1 step 4.a: the queued batch for the same destination is taken into this session.
  'check-pending-files': (o) => {
    if (o.queued.length === 0) return ['check pending files: the scenario queued no batch'];
    const offered = reinvites(o.record).flatMap(offeredNames);
    return names(o.queued).filter((n) => !offered.includes(n)).map((n) => `check pending files: queued file ${n} was not offered in a re-INVITE`);
  },
  // Clause 7.6.1 step 4.b / RFC 3261 §14.1: a re-INVITE in the same dialog, only once the last SEND
  // is answered (and, with success reports, once the last success REPORT is in), then the new files.
  'send-reinvite': (o) => {
    const invite = first(o);
    const re = reinvites(o.record).filter((r) => r.callId === invite?.callId);
    const r = re[0];
    if (r === undefined) return ['re-INVITE: none was sent in the session'];
    const problems: string[] = [];
    const done = firstBatchDone(o);
    if (done === 0) problems.push('re-INVITE: the first batch was never acknowledged');
    if (r.seq < done) problems.push(`re-INVITE #${r.seq} sent before the first batch's last 200/REPORT #${done}`);
    if (o.facts.includes('success-report-requested')) {
      const reports = peerMsrpAbout(o.record, names(o.batch)).filter((e) => e.method === 'REPORT' && e.kind === 'request' && e.reportStatus?.code === 200);
      if (reports.length === 0) problems.push('re-INVITE: success reports were requested but none was received before it');
      else if (r.seq < maxSeq(reports)) problems.push(`re-INVITE #${r.seq} sent before the success REPORT #${maxSeq(reports)}`);
    }
    const answered = finalResponseTo(o.record, r);
    if (answered === undefined || answered.status !== 200) problems.push(`re-INVITE #${r.seq} was not answered 200`);
    for (const name of offeredNames(r)) {
      const sends = senderSendsOf(o.record, name).filter((s) => !names(o.batch).includes(name) || s.seq > r.seq);
      if (answered !== undefined && !sends.some((s) => s.seq > answered.seq)) problems.push(`re-INVITE: file ${name} was not sent after the re-INVITE was answered`);
    }
    return problems;
  },
  // RFC 5547 §8.4 / clause 7.6.1 step 4.b.i: m-line 0 carries the next file: a new transfer id and
  // a new selector, port open.
  'reuse-mline': (o) => {
    const before = mlinesOf(first(o))[0];
    const r = reinvites(o.record)[0];
    const after = mlinesOf(r)[0];
    if (r === undefined) return ['reuse m-line: no re-INVITE'];
    if (before === undefined || after === undefined) return ['reuse m-line: no m-line 0 to compare'];
    const problems: string[] = [];
    if (after.port === 0) problems.push('reuse m-line: m-line 0 of the re-INVITE has port 0');
    if (after.fileTransferId === before.fileTransferId) problems.push('reuse m-line: m-line 0 kept its file-transfer-id');
    if (after.fileSelector === before.fileSelector) problems.push('reuse m-line: m-line 0 kept its file-selector');
    const name = selectorName(after.fileSelector);
    if (name === undefined || !names(o.queued).includes(name)) problems.push(`reuse m-line: m-line 0 names ${name ?? '(nothing)'}, not a queued file`);
    return problems;
  },
  // RFC 3264 §8.2 / clause 7.6.1 step 4.b.ii: every m-line the next batch does not use is closed
  // with port 0 and stays at its position.
  'close-unused-mline': (o) => {
    const before = mlinesOf(first(o));
    const r = reinvites(o.record)[0];
    if (r === undefined) return ['close unused m-line: no re-INVITE'];
    const after = mlinesOf(r);
    const problems: string[] = [];
    if (after.length < before.length) problems.push(`close unused m-line: the re-INVITE has ${after.length} m-lines, fewer than the ${before.length} before`);
    const unused = before.slice(o.queued.length);
    if (unused.length === 0) problems.push('close unused m-line: the scenario left no m-line unused');
    for (const m of unused) {
      const now = after[m.index];
      if (now === undefined) continue;
      if (now.port !== 0) problems.push(`close unused m-line: m-line ${m.index} still has port ${now.port}`);
      if (now.media !== m.media || now.proto !== m.proto) problems.push(`close unused m-line: m-line ${m.index} was replaced by ${now.media} ${now.proto}`);
    }
    return problems;
  },
  'send-bye': (o) => byeProblems(o),
  // Clause 7.6.1 step 5: the user hears which file failed and why (the MSRP status or the REPORT's).
  'indicate-transfer-failed': (o) => {
    const injected = o.injectedFailure;
    if (injected === undefined) return ['transfer failed: the scenario injected no failure'];
    const event = o.failures.find((f) => f.name === injected.file);
    if (event === undefined) return [`transfer failed: no 'file-failed' event names ${injected.file}`];
    return event.status === injected.status ? [] : [`transfer failed: 'file-failed' for ${injected.file} gives status ${event.status ?? '(none)'}, not ${injected.status}`];
  },
};

/** The opposite checks: the action did not happen on the wire. */
const absenceChecks: { readonly [A in SenderAction]: WireCheck } = {
  'follow-clause': (o, args) => {
    const clause = args[0] ?? '';
    if (clause === '7.6.2') return byes(o.record).length === 0 ? [] : [`7.6.2 must not run, but BYE #${byes(o.record)[0]?.seq} was sent`];
    const target = clause === '7.3.1' ? o.peer.recipient : clause === '7.4.1.1' ? o.peer.factory : clause === '7.4.1.2' ? o.peer.group : undefined;
    if (target === undefined) return [`follow-clause ${clause}: no wire meaning known for this clause`];
    const hit = initialInvites(o.record).find((i) => sameSipUri(i.requestUri, target));
    return hit === undefined ? [] : [`${clause} must not run, but INVITE #${hit.seq} went to ${target}`];
  },
  'apply-rfc5547': (o) => (mlinesOf(first(o)).some((m) => m.media === 'message') ? ['RFC 5547 must not apply, but the offer has m=message lines'] : []),
  'add-file-attributes': (o) => (mlinesOf(first(o)).some((m) => m.fileSelector !== undefined) ? ['file attributes must not be added, but the offer has a=file-selector'] : []),
  'one-mline-per-file': (o) => (mlinesOf(first(o)).length > 1 ? [`one m-line per file must not apply, but the offer has ${mlinesOf(first(o)).length} m-lines`] : []),
  'check-pending-files': (o) => {
    const offered = reinvites(o.record).flatMap(offeredNames);
    return names(o.queued).filter((n) => offered.includes(n)).map((n) => `pending files must not be taken into the session, but ${n} was offered in a re-INVITE`);
  },
  'send-reinvite': (o) => reinvites(o.record).map((r) => `no re-INVITE may be sent, but #${r.seq} was`),
  'reuse-mline': (o) => {
    const before = mlinesOf(first(o));
    return reinvites(o.record).flatMap((r) => mlinesOf(r).filter((m) => m.port !== 0 && before[m.index] !== undefined && m.fileTransferId !== before[m.index]?.fileTransferId).map((m) => `no m-line may be reused, but re-INVITE #${r.seq} reuses m-line ${m.index}`));
  },
  'close-unused-mline': (o) => {
    const before = mlinesOf(first(o));
    return reinvites(o.record).flatMap((r) => mlinesOf(r).filter((m) => m.port === 0 && (before[m.index]?.port ?? 0) !== 0).map((m) => `no m-line may be closed, but re-INVITE #${r.seq} closes m-line ${m.index}`));
  },
  'send-bye': (o) => byes(o.record).map((b) => `no BYE may be sent, but #${b.seq} was`),
  'indicate-transfer-failed': (o) => o.failures.map((f) => `no failure may be indicated, but ${f.name} failed (${f.status ?? f.source})`),
};

const isReceiverAction = (action: ProcedureAction): action is ReceiverAction => actionRoles[action] === 'receiver';

/** A sender action checked on an answerer scenario (or the reverse) is a harness mistake, reported as a problem. */
function wrongScenario(action: ProcedureAction, outcome: ScenarioOutcome | AnswererOutcome): string[] {
  return [`${action} is an action of the ${actionRoles[action]}, but this is a${isAnswererOutcome(outcome) ? 'n answerer' : ' sender'} scenario`];
}

/** Problems showing that `action` did not happen as the spec means it; empty when it did. */
export function expectAction(outcome: ScenarioOutcome | AnswererOutcome, action: ProcedureAction, args: readonly string[] = []): string[] {
  if (isAnswererOutcome(outcome)) return withContext(outcome, isReceiverAction(action) ? answerChecks[action](outcome, args) : wrongScenario(action, outcome));
  return withContext(outcome, isReceiverAction(action) ? wrongScenario(action, outcome) : actionChecks[action](outcome, args));
}

/** Problems showing that `action` happened although it must not; empty when it did not. */
export function expectNoAction(outcome: ScenarioOutcome | AnswererOutcome, action: ProcedureAction, args: readonly string[] = []): string[] {
  if (isAnswererOutcome(outcome)) return withContext(outcome, isReceiverAction(action) ? answerAbsenceChecks[action](outcome, args) : wrongScenario(action, outcome));
  return withContext(outcome, isReceiverAction(action) ? wrongScenario(action, outcome) : absenceChecks[action](outcome, args));
}

function withContext(outcome: ScenarioOutcome | AnswererOutcome, problems: string[]): string[] {
  if (outcome.error !== undefined) problems = [`scenario error: ${outcome.error}`, ...problems];
  return problems;
}
