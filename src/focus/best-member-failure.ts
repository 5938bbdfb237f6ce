// The focus's final answer to the sender when no member took any file (CPM 7.4.1.x: the focus
// answers for the group). Like a forking proxy choosing among its branches (RFC 3261 §16.7), a
// global refusal (6xx) says most, then a member's own refusal (4xx), and only when every member
// was unreachable (our own 408 for no answer, 5xx, transport failures) 480: nobody could be asked.

/** A member's final status as the focus saw it; 200 means it answered but accepted no file. */
export interface MemberAnswer {
  readonly member: string;
  readonly status: number;
}

export interface GroupFailure {
  readonly status: number;
  readonly reason: string;
}

const REASONS: Readonly<Record<number, string>> = {
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable', 607: 'Unwanted',
  404: 'Not Found', 410: 'Gone', 415: 'Unsupported Media Type', 480: 'Temporarily Unavailable', 486: 'Busy Here',
  487: 'Request Terminated', 488: 'Not Acceptable Here',
};

/** Statuses the focus makes up itself for a member nobody answered for: they say nothing about the member's will. */
const UNREACHABLE = new Set([408, 487]);

export function bestMemberFailure(answers: readonly MemberAnswer[]): GroupFailure {
  // A member that answered 200 but took no file refused every file: a decline.
  const statuses = answers.map((a) => (a.status >= 200 && a.status < 300 ? 603 : a.status));
  const pick = (candidates: readonly number[]): GroupFailure | undefined => {
    if (candidates.length === 0) return undefined;
    // The most common answer, first met on a tie: one odd member does not speak for the group.
    const counts = new Map<number, number>();
    for (const s of candidates) counts.set(s, (counts.get(s) ?? 0) + 1);
    let best = candidates[0]!;
    for (const s of candidates) if ((counts.get(s) ?? 0) > (counts.get(best) ?? 0)) best = s;
    return { status: best, reason: REASONS[best] ?? 'Rejected' };
  };
  return pick(statuses.filter((s) => s >= 600))
    ?? pick(statuses.filter((s) => s >= 400 && s < 500 && !UNREACHABLE.has(s)))
    ?? { status: 480, reason: 'Temporarily Unavailable' };
}
