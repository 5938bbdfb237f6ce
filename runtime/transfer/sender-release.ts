// Clause 7.6.2: the transfer-complete rules release the session. The BYE goes only when a rule
// asks for it and no SHALL NOT rule of the situation forbids it.

import { schedule, systemClock } from '../msrp/clock.ts';
import { refuseIfProhibited } from './action-executors.ts';
import { transferDefaults } from './transfer-defaults.ts';
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
    const bye = run.settings.ua.bye(state.dialog);
    bye.catch(() => undefined);
    // A failure already told, or a stop of our own (a cancel, a closing client): a dead peer must
    // not hold the end for Timer F. That holds for a BYE already on its way when the stop comes,
    // or closing a client with hundreds of sessions would wait 32 s on each unanswered one.
    const clock = state.lines.find((l) => l.session !== undefined)?.session?.clock ?? systemClock;
    let cancel: (() => void) | undefined;
    const bounded = (): Promise<void> => new Promise<void>((resolve) => { cancel = schedule(clock, transferDefaults.byeWaitAfterFailureMs, resolve); });
    const stopping = state.broken === true || run.aborted || run.cancelled !== undefined;
    await Promise.race([bye, stopping ? bounded() : run.abortSignal.then(bounded)]).finally(() => cancel?.());
  } catch (error) {
    run.log({ kind: 'sip', event: 'bye-failed', message: error instanceof Error ? error.message : String(error) });
  }
}
