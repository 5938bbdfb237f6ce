// The receiving side's wire checks tell outcomes apart: each check run on the outcome of the
// opposite situation reports problems, so a generated answerer wire test cannot pass by accident.
// The scenarios run the real receiver and file server with the seed procedures (frozen answerer
// rules), against the scripted offerer over loopback.
import { describe, expect, it } from 'vitest';
import { expectAction, expectNoAction, runAnswererScenario, type AnswererOutcome } from '../../../runtime/testing/conformance/index.ts';
import type { ProcedureEvent, ProcedureGuard } from '../../../runtime/index.ts';
import { seedProcedures } from '../../helpers/seed-spec.ts';

async function run(event: ProcedureEvent, facts: ProcedureGuard[], decide: { 'accept-file'?: boolean } = {}): Promise<AnswererOutcome> {
  return runAnswererScenario({ rule: 'expect-answer test', event, facts, decide, procedures: await seedProcedures() });
}

describe('answerer wire checks', () => {
  it('push: an accepted file passes the take and echo checks and fails the refusal check; a declined one the other way round', async () => {
    const taken = await run('file-offer-received', ['offer-sendonly'], { 'accept-file': true });
    const declined = await run('file-offer-received', ['offer-sendonly'], { 'accept-file': false });
    for (const action of ['answer-recvonly', 'echo-file-selector', 'echo-file-transfer-id'] as const) {
      expect(expectAction(taken, action), action).toEqual([]);
      expect(expectAction(declined, action), action).not.toEqual([]);
      expect(expectNoAction(declined, action), action).toEqual([]);
    }
    expect(expectNoAction(taken, 'answer-recvonly')).not.toEqual([]);
    expect(expectAction(declined, 'reject-mline')).toEqual([]);
    expect(expectAction(taken, 'reject-mline')).not.toEqual([]);
    expect(expectNoAction(taken, 'reject-mline')).toEqual([]);
    expect(taken.published).toEqual(['alpha.txt']);
    expect(declined.published).toEqual([]);
  });

  it('re-offer: keep, close and new transfer are told apart', async () => {
    const kept = await run('mline-reoffered', []);
    const closed = await run('mline-reoffered', ['port-zero']);
    const replaced = await run('mline-reoffered', ['transfer-id-changed']);
    expect(expectAction(kept, 'keep-transfer')).toEqual([]);
    expect(expectAction(closed, 'keep-transfer')).not.toEqual([]);
    expect(expectAction(closed, 'close-transfer')).toEqual([]);
    expect(expectAction(kept, 'close-transfer')).not.toEqual([]);
    expect(expectNoAction(kept, 'close-transfer')).toEqual([]);
    expect(expectAction(replaced, 'take-as-new-offer')).toEqual([]);
    expect(expectAction(closed, 'take-as-new-offer')).not.toEqual([]);
    expect(replaced.published).toEqual(['bravo.txt']);
  });

  it('pull: a served file passes answer-sendonly; a missing one fails it and passes reject-mline', async () => {
    const served = await run('pull-offer-received', ['file-found']);
    const missing = await run('pull-offer-received', []);
    expect(expectAction(served, 'answer-sendonly')).toEqual([]);
    expect(expectAction(missing, 'answer-sendonly')).not.toEqual([]);
    expect(expectAction(missing, 'reject-mline')).toEqual([]);
    expect(expectAction(served, 'reject-mline')).not.toEqual([]);
  });

  it('a receiver whose handlers conclude nothing answers 500, which no check counts as a refusal', async () => {
    const seed = await seedProcedures();
    const outcome = await runAnswererScenario({ rule: 'no answer rules', event: 'file-offer-received', facts: ['offer-sendonly'], decide: {}, procedures: { ...seed, handlers: {} } });
    expect(outcome.answer?.status).toBe(500);
    expect(expectAction(outcome, 'reject-mline')).toEqual([expect.stringMatching(/500, a server failure/)]);
    expect(outcome.published).toEqual([]);
  });

  it('a sender action on an answerer outcome is a reported mismatch, not a pass', async () => {
    const taken = await run('file-offer-received', ['offer-sendonly']);
    expect(expectAction(taken, 'send-bye')).toEqual([expect.stringMatching(/action of the sender, but this is an answerer scenario/)]);
  });
});
