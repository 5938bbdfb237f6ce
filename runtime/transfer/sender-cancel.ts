// Clause 7.6.1 step 6 (spec/cr/cpm-cr-ft-cancel.cr): the user cancelled the transfer. The rules of
// the transfer-cancelled event decide what happens. interrupt-send ends each MSRP message in
// progress with a '#' chunk (RFC 4975 §7.1), written after what is already queued and before
// anything else of it, and waits until the receiver answered that chunk; follow-clause 7.6.2 then
// releases the session (the transfer-complete rules: BYE), and the MSRP connections are ended
// gracefully, so nothing of the session is reset under the interruption.

import { CpmError } from '../errors.ts';
import { refuseIfProhibited } from './action-executors.ts';
import type { SenderRun } from './sender-run.ts';
import { releaseSession } from './sender-release.ts';
import { closeLines } from './sender-session-state.ts';

/**
 * Runs the cancel procedure of the session in progress, if any. Synchronous up to the '#' chunks
 * being written, so nothing the caller does next can get ahead of them.
 */
export function cancelSession(run: SenderRun): Promise<void> {
  const state = run.current;
  const plan = run.plan('cancel', ['transfer-cancelled'], () => run.facts({}));
  if (plan.interrupt === undefined && plan.release === undefined) {
    // No rule says what a cancel does: nothing is interrupted on the spec's behalf, and the
    // transfer ends as on any uncovered situation (summary.error, sessions torn down).
    return Promise.reject(new CpmError('ERR_PROCEDURE_UNCOVERED', 'no rule concludes what a cancel does at transfer-cancelled (interrupt-send, follow-clause 7.6.2)'));
  }
  if (state === undefined || state.released) return Promise.resolve();
  let interrupted: Promise<unknown> = Promise.resolve();
  if (plan.interrupt !== undefined) {
    refuseIfProhibited(plan, 'interrupt-send');
    interrupted = Promise.all(state.lines.map((line) => line.session?.interrupt(run.settings.waitTimeoutMs)));
  }
  return interrupted.then(async () => {
    run.log({ kind: 'msrp', event: 'interrupted', files: state.lines.flatMap((line) => (line.file === undefined ? [] : [line.file.name])) });
    if (plan.release !== undefined) await releaseSession(run, state);
    else closeLines(state);
    // Ended after every queued byte, and only once the peer closed its side too (or the linger ran out).
    await Promise.all(state.lines.map((line) => line.session?.closeGracefully()));
  });
}
