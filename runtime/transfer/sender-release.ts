// Clause 7.6.2: the transfer-complete rules release the session. The BYE goes only when a rule
// asks for it and no SHALL NOT rule of the situation forbids it.

import { refuseIfProhibited } from './action-executors.ts';
import type { SenderRun } from './sender-run.ts';
import { finishConference } from './sender-group-members.ts';
import { closeLines, type SessionState } from './sender-session-state.ts';

export async function releaseSession(run: SenderRun, state: SessionState): Promise<void> {
  if (state.released) return;
  state.released = true;
  const plan = run.plan('release', ['transfer-complete'], () => run.facts({}));
  await finishConference(run, state);
  try {
    if (plan.bye !== undefined && state.dialog !== undefined && state.dialog.state !== 'terminated') {
      refuseIfProhibited(plan, 'send-bye');
      await sendBye(run, state);
    }
  } finally {
    closeLines(state);
  }
}

/** The BYE itself; a failed one is logged (the dialog is gone either way). */
export async function sendBye(run: SenderRun, state: SessionState): Promise<void> {
  if (state.dialog === undefined || state.dialog.state === 'terminated') return;
  try {
    await run.settings.ua.bye(state.dialog);
  } catch (error) {
    run.log({ kind: 'sip', event: 'bye-failed', message: error instanceof Error ? error.message : String(error) });
  }
}
