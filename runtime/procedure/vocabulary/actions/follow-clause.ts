// Vocabulary action `follow-clause <clause>` (sender): run the procedure of another clause, a
// session set-up (CPM 7.3.1, 7.4.1.x) or the session release (7.6.2). The clauses it may name are
// runtime/procedure/followable-clauses.ts, each implemented in runtime/transfer/clause-procedures.ts.
import { CpmError } from '../../../errors.ts';
import { cpmIcsi, ICSI_FEATURE_TAG, icsiFeatureValue } from '../../../sip/cpm-headers.ts';
import type { ScenarioOutcome } from '../../../testing/conformance/scenario-outcome.ts';
import { byeProblems, first } from '../../../testing/conformance/sender-outcome-queries.ts';
import type { SipWireEntry } from '../../../testing/conformance/wire-record.ts';
import { byes, header, initialInvites, sameSipUri } from '../../../testing/conformance/wire-queries.ts';
import { clauseProcedure } from '../../../transfer/clause-procedures.ts';
import { defineAction } from '../define.ts';
import type { Decision } from '../../decision.ts';
import type { ActionExecutorSpec } from '../define.ts';
import { outOfPhase, phaseDeclarations, type Phase, type PhaseExecutor, type SetUpPlan } from '../phases.ts';

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

/** In a phase that may follow a clause of one kind: the clause must be of that kind, and sets up or releases the session. */
function followIn(phase: Phase, follows: 'session-set-up' | 'session-release'): PhaseExecutor<Phase> {
  return (plan, decision) => {
    const procedure = clauseProcedure(decision.args[0], decision.rule);
    if (procedure.role !== follows) throw outOfPhase(decision, phase, `clause ${procedure.clause} is not a ${follows === 'session-set-up' ? 'session set-up' : 'session release'} procedure`);
    if (procedure.role === 'session-release') {
      (plan as { release?: Decision }).release ??= decision;
      return;
    }
    const setUp = plan as SetUpPlan;
    if (setUp.setUp !== undefined && setUp.setUp.procedure !== procedure) {
      throw new CpmError('ERR_PROCEDURE_CONFLICT', `rules ${setUp.setUp.decision.rule} and ${decision.rule} set the same session up by two clauses (${setUp.setUp.procedure.clause}, ${procedure.clause})`);
    }
    setUp.setUp ??= { procedure, decision };
  };
}

/** One executor per phase that declares a kind of clause to follow (phases.ts). */
function followExecutors(): ActionExecutorSpec<'sender'> {
  const executors: Partial<Record<Phase, PhaseExecutor<Phase>>> = {};
  for (const [phase, declared] of Object.entries(phaseDeclarations) as [Phase, (typeof phaseDeclarations)[Phase]][]) {
    if (declared.follows !== null) executors[phase] = followIn(phase, declared.follows);
  }
  return executors as ActionExecutorSpec<'sender'>;
}

export const followClauseAction = defineAction({
  name: 'follow-clause',
  role: 'sender',
  args: 'clause',
  summary: 'Run the procedure of another clause (session set-up or release).',
  api: null,
  executor: followExecutors(),
  wire: {
    present: (o, args) => {
      const clause = args[0] ?? '';
      const check = clauseChecks[clause];
      return check === undefined ? [`follow-clause ${clause}: no wire meaning known for this clause`] : check(o);
    },
    absent: (o, args) => {
      const clause = args[0] ?? '';
      if (clause === '7.6.2') return byes(o.record).length === 0 ? [] : [`7.6.2 must not run, but BYE #${byes(o.record)[0]?.seq} was sent`];
      const target = clause === '7.3.1' ? o.peer.recipient : clause === '7.4.1.1' ? o.peer.factory : clause === '7.4.1.2' ? o.peer.group : undefined;
      if (target === undefined) return [`follow-clause ${clause}: no wire meaning known for this clause`];
      const hit = initialInvites(o.record).find((i) => sameSipUri(i.requestUri, target));
      return hit === undefined ? [] : [`${clause} must not run, but INVITE #${hit.seq} went to ${target}`];
    },
  },
});
