// Group sends: one line per change in a member's state as the focus reports it (RFC 4575
// notifications), so a member that accepted is seen getting its files while another is still
// being invited. A file counts only once the focus says that member has all of it.
import type { MemberStatusEvent } from '../client-types.ts';

interface Seen {
  status: MemberStatusEvent['status'];
  delivered: number;
  failed: number;
}

/** Returns a function turning each member-status event into the lines to print (often none). */
export function memberStatusLines(): (event: MemberStatusEvent) => string[] {
  const seen = new Map<string, Seen>();
  return (event) => {
    const before = seen.get(event.member) ?? { status: 'pending', delivered: 0, failed: 0 };
    // A later session of the same transfer starts its counts again.
    const base = event.filesDelivered < before.delivered || event.filesFailed < before.failed ? { ...before, delivered: 0, failed: 0 } : before;
    seen.set(event.member, { status: event.status, delivered: event.filesDelivered, failed: event.filesFailed });
    const lines: string[] = [];
    const plural = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
    if (event.status !== before.status) {
      const answer = [event.sipStatus, event.reason].filter((x) => x !== undefined).join(' ');
      if (event.status === 'connected') lines.push(`member ${event.member} joined`);
      else if (event.status !== 'pending') lines.push(`member ${event.member} ${event.status}${answer === '' ? '' : ` (${answer})`}`);
    }
    if (event.filesDelivered > base.delivered) lines.push(`member ${event.member} got ${plural(event.filesDelivered - base.delivered)}`);
    if (event.filesFailed > base.failed) lines.push(`member ${event.member} did not get ${plural(event.filesFailed - base.failed)}`);
    return lines;
  };
}
