// A session's BYE already waiting for its answer when the client is closed: closing must not wait
// for Timer F (32 s over UDP) on it. With hundreds of sessions released just before a close, each
// such BYE used to hold the close that long; now the stop bounds the wait to byeWaitAfterFailureMs.
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../runtime/clock.ts';
import type { Dialog } from '../../../runtime/sip/index.ts';
import { sendBye } from '../../../runtime/transfer/sender-release.ts';
import type { SenderRun } from '../../../runtime/transfer/sender-run.ts';
import type { SessionState } from '../../../runtime/transfer/sender-session-state.ts';
import { transferDefaults } from '../../../runtime/transfer/transfer-defaults.ts';

/** A run whose peer never answers a BYE, and a session on `clock`, the way sendBye sees them. */
function unansweredBye(): { run: SenderRun; state: SessionState; stop: () => void; byes: () => number; clock: ReturnType<typeof createFakeClock> } {
  const clock = createFakeClock();
  let byes = 0;
  let stop: () => void = () => undefined;
  const abortSignal = new Promise<'aborted'>((resolve) => { stop = () => { run.aborted = true; resolve('aborted'); }; });
  const run = {
    aborted: false,
    cancelled: undefined,
    abortSignal,
    settings: { ua: { bye: () => { byes += 1; return new Promise(() => undefined); } } },
    log: () => undefined,
  } as unknown as SenderRun & { aborted: boolean };
  const state = { dialog: { state: 'confirmed' } as unknown as Dialog, lines: [{ session: { clock } }] } as unknown as SessionState;
  return { run, state, stop: () => stop(), byes: () => byes, clock };
}

const settledAfter = async (p: Promise<void>, advance: () => void): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; });
  advance();
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
};

describe('sendBye when the transfer stops while the BYE waits', () => {
  it('without a stop the BYE is waited for; after one, at most byeWaitAfterFailureMs more', async () => {
    const { run, state, stop, byes, clock } = unansweredBye();
    const sending = sendBye(run, state);
    expect(byes()).toBe(1);
    // A normal release waits for the answer (Timer F is the transaction's business, not ours).
    expect(await settledAfter(sending, () => clock.advance(60_000))).toBe(false);
    stop();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(await settledAfter(sending, () => clock.advance(transferDefaults.byeWaitAfterFailureMs - 1))).toBe(false);
    expect(await settledAfter(sending, () => clock.advance(1))).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a BYE sent after the stop is bounded from the start', async () => {
    const { run, state, stop, clock } = unansweredBye();
    stop();
    const sending = sendBye(run, state);
    expect(await settledAfter(sending, () => clock.advance(transferDefaults.byeWaitAfterFailureMs))).toBe(true);
  });
});
