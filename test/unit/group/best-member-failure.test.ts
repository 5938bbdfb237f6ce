import { describe, expect, it } from 'vitest';
import { bestMemberFailure } from '../../../src/focus/best-member-failure.ts';

const answers = (...statuses: number[]) => statuses.map((status, i) => ({ member: `sip:m${i}@127.0.0.1`, status }));

describe('the focus answer when no member accepts', () => {
  it('a global refusal wins over silence and busy members', () => {
    expect(bestMemberFailure(answers(408, 486, 603))).toEqual({ status: 603, reason: 'Decline' });
  });
  it('a 200 that took no file counts as a decline', () => {
    expect(bestMemberFailure(answers(200, 408))).toEqual({ status: 603, reason: 'Decline' });
  });
  it("a member's own 4xx wins over the focus's own timeouts and cancels", () => {
    expect(bestMemberFailure(answers(408, 487, 486))).toEqual({ status: 486, reason: 'Busy Here' });
  });
  it('the most common refusal speaks for the group; a tie goes to the first member', () => {
    expect(bestMemberFailure(answers(404, 486, 486))).toEqual({ status: 486, reason: 'Busy Here' });
    expect(bestMemberFailure(answers(404, 486))).toEqual({ status: 404, reason: 'Not Found' });
  });
  it('every member unreachable (timeouts, 5xx, transport failures) is 480', () => {
    expect(bestMemberFailure(answers(408, 503, 500))).toEqual({ status: 480, reason: 'Temporarily Unavailable' });
    expect(bestMemberFailure([])).toEqual({ status: 480, reason: 'Temporarily Unavailable' });
  });
});
