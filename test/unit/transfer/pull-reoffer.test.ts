// The file server's reading of a re-offer in a pull session (RFC 3264 §8, RFC 5547 §8.1), with the
// frozen seed's answerer rules deciding what happens to an m-line that carried a transfer.
import { beforeAll, describe, expect, it } from 'vitest';
import { seedProcedures } from '../../helpers/seed-spec.ts';
import { buildPullMedia, buildSessionOffer, isRefresh, planPullReoffer } from '../../../runtime/index.ts';
import type { ProcedureHandlers, SessionDescription } from '../../../runtime/index.ts';

const offerOf = (transferIds: readonly string[], ports: readonly number[] = transferIds.map(() => 9000)): SessionDescription =>
  buildSessionOffer('127.0.0.1', transferIds.map((id, i) => buildPullMedia({ name: `f${i}.bin` }, id, [`msrp://127.0.0.1:9000/s${i};tcp`], ports[i] ?? 9000)));

describe('planPullReoffer', () => {
  let handlers: ProcedureHandlers;
  beforeAll(async () => { handlers = (await seedProcedures()).handlers; });

  it('the same SDP again is a refresh: every m-line kept', () => {
    const plan = planPullReoffer(offerOf(['a', 'b']), offerOf(['a', 'b']), handlers);
    expect(plan.ok && plan.value.map((s) => s.action)).toEqual(['keep', 'keep']);
    expect(plan.ok && isRefresh(plan.value)).toBe(true);
  });

  it('a new file-transfer-id pulls again, port 0 closes, an appended m-line is a new pull', () => {
    const plan = planPullReoffer(offerOf(['a', 'b']), offerOf(['a2', 'b', 'c'], [9000, 0, 9000]), handlers);
    expect(plan.ok && plan.value.map((s) => s.action)).toEqual(['pull', 'close', 'pull']);
    expect(plan.ok && isRefresh(plan.value)).toBe(false);
  });

  it('a closed m-line offered again with a transfer id is a new pull', () => {
    const plan = planPullReoffer(offerOf(['a'], [0]), offerOf(['a']), handlers);
    expect(plan.ok && plan.value.map((s) => s.action)).toEqual(['pull']);
  });

  it('what happens to a served m-line is the rules\' answer: no rule for mline-reoffered is a typed error', () => {
    expect(() => planPullReoffer(offerOf(['a']), offerOf(['a2']), {})).toThrow(expect.objectContaining({ code: 'ERR_PROCEDURE_UNCOVERED' }));
    // An m-line that carried nothing asks no rule: a live one with a transfer id is a new pull.
    const fresh = planPullReoffer(offerOf(['a'], [0]), offerOf(['a']), {});
    expect(fresh.ok && fresh.value.map((s) => s.action)).toEqual(['pull']);
  });

  it('a re-offer that drops an m-line is refused (RFC 3264 §8)', () => {
    const plan = planPullReoffer(offerOf(['a', 'b']), offerOf(['a']), handlers);
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.error.message).toMatch(/fewer than the 2 before/);
  });
});
