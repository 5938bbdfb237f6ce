// Group sessions (CPM 7.4.1.x): the sender's subscription to the focus's conference state
// (RFC 4575) and the members' outcomes it yields. Information only: which session is set up or
// released is the rules' business.

import type { Dialog } from '../sip/dialog/dialog.ts';
import type { IncomingDialogRequest } from '../sip/user-agent-types.ts';
import { GroupConferenceSubscription, mergeMemberOutcomes } from './group-conference-subscription.ts';
import type { SenderRun } from './sender-run.ts';
import type { SessionState } from './sender-session-state.ts';
import { transferDefaults } from './transfer-defaults.ts';

export function subscribeConference(run: SenderRun, state: SessionState, dialog: Dialog): void {
  const log = run.settings.log;
  state.group = new GroupConferenceSubscription({
    ua: run.settings.ua,
    dialog,
    onStatus: (event) => {
      run.log({ kind: 'file', event: 'member-status', ...event });
      run.emit('member-status', event);
    },
    ...(log === undefined ? {} : { log }),
  });
  state.group.start();
}

/** Whether the run's current session owns `dialog`; answers the request if so. */
export function handleMemberDialogRequest(run: SenderRun, dialog: Dialog, incoming: IncomingDialogRequest): boolean {
  const group = run.current?.group;
  if (group === undefined || group.dialog !== dialog) return false;
  if (incoming.request.method === 'NOTIFY') group.handleNotify(incoming);
  else incoming.respond(405, 'Method Not Allowed', [{ name: 'Allow', value: 'INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY' }]);
  return true;
}

/**
 * Before the BYE of a group session: lets the focus report every member's outcome for the files
 * sent (bounded wait), then records them.
 */
export async function finishConference(run: SenderRun, state: SessionState): Promise<void> {
  const group = state.group;
  if (group === undefined) return;
  const files = new Map<string, string>();
  const sent: string[] = [];
  for (const [id, file] of state.offeredFiles ?? []) {
    files.set(id, file.name);
    if (run.results.some((r) => r.ok && r.path === file.path)) sent.push(id);
  }
  if (!run.aborted) await group.finish(sent, Math.min(run.settings.waitTimeoutMs, transferDefaults.memberReportWaitMs), transferDefaults.memberAnswerWaitMs);
  // NOTIFYs keep arriving while we wait; only now is the subscription forgotten.
  state.group = undefined;
  group.close();
  run.members = mergeMemberOutcomes(run.members ?? [], group.members(files));
}
