// Questions the wire checks of the sender's actions ask of a sender scenario's outcome: the
// first INVITE, the batches' names, whether each session ended with one BYE after everything else.
// Pure functions over the wire record, never throwing.
import type { ScenarioOutcome } from './scenario-outcome.ts';
import type { SipWireEntry } from './wire-record.ts';
import { byes, finalResponseTo, initialInvites, maxSeq, offeredNames, peerMsrpAbout, reinvites } from './wire-queries.ts';

export const names = (files: readonly { name: string }[]): string[] => files.map((f) => f.name);
export const first = (o: ScenarioOutcome): SipWireEntry | undefined => initialInvites(o.record)[0];
export const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

// RFC 3261 §15.1.1 / CPM 7.6.2: the sender ends each session it opened with one BYE, sent only once
// everything of that session is over: every SEND answered, every REPORT in, every re-INVITE done.
export function byeProblems(o: ScenarioOutcome): string[] {
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
export function firstBatchDone(o: ScenarioOutcome): number {
  const entries = peerMsrpAbout(o.record, names(o.batch)).filter((e) => e.kind === 'response' ? e.status === 200 : e.reportStatus?.code === 200);
  return maxSeq(entries);
}
