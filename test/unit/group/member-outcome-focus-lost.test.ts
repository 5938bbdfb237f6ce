// The sender's per-member outcomes when the focus vanishes mid-session (crash, SIGKILL): without the
// focus's final (terminated) NOTIFY, a member it last showed in the session with a file unreported is
// `failed`, never `connected` or `received`; after a final NOTIFY the focus's word stands.
import { describe, expect, it } from 'vitest';
import { buildConferenceInfo, type ConferenceInfo } from '../../../runtime/group/conference-info.ts';
import type { Dialog } from '../../../runtime/sip/dialog/dialog.ts';
import type { IncomingDialogRequest, UserAgent } from '../../../runtime/sip/user-agent-types.ts';
import { GroupConferenceSubscription } from '../../../runtime/transfer/group-conference-subscription.ts';

const info: ConferenceInfo = {
  entity: 'sip:team@groups.example', state: 'full', version: 1, active: true, userCount: 2,
  users: [
    { entity: 'sip:bob@example.com', state: 'full', endpoints: [{ entity: 'sip:bob@example.com', status: 'connected', files: [{ transferId: 'f1', outcome: 'delivered' }] }] },
    { entity: 'sip:carol@example.com', state: 'full', endpoints: [{ entity: 'sip:carol@example.com', status: 'connected', files: [] }] },
  ],
};

function notify(subscriptionState: string): { incoming: IncomingDialogRequest; answered: () => number | undefined } {
  let status: number | undefined;
  const headers = new Map([['event', 'conference'], ['subscription-state', subscriptionState]]);
  const incoming = {
    request: { method: 'NOTIFY', body: Buffer.from(buildConferenceInfo(info)), headers: { get: (name: string) => headers.get(name.toLowerCase()) } },
    respond: (s: number) => { status = s; },
  } as unknown as IncomingDialogRequest;
  return { incoming, answered: () => status };
}

function subscription(): GroupConferenceSubscription {
  const ua = { options: {}, request: () => Promise.resolve({ response: { status: 200 } }) } as unknown as UserAgent;
  return new GroupConferenceSubscription({ ua, dialog: { state: 'confirmed' } as unknown as Dialog, onStatus: () => undefined });
}

const files = new Map([['f1', 'a.bin'], ['f2', 'b.bin']]);

describe('group member outcomes when the focus is lost', () => {
  it('without the final NOTIFY a connected member with an unreported file is failed, and says why', () => {
    const sub = subscription();
    const n = notify('active;expires=3600');
    sub.handleNotify(n.incoming);
    expect(n.answered()).toBe(200);
    sub.close();
    const [bob, carol] = sub.members(files);
    expect(bob).toMatchObject({ member: 'sip:bob@example.com', status: 'failed', reason: 'the focus stopped reporting before this outcome was known' });
    expect(bob?.files).toEqual([
      { name: 'a.bin', delivered: true },
      { name: 'b.bin', delivered: false, reason: 'the focus stopped reporting before this outcome was known' },
    ]);
    expect(carol?.status).toBe('failed');
    expect(carol?.files.every((f) => !f.delivered)).toBe(true);
  });

  it('after the final NOTIFY the focus state stands: a connected member stays connected', () => {
    const sub = subscription();
    sub.handleNotify(notify('terminated;reason=noresource').incoming);
    const [bob] = sub.members(files);
    expect(bob?.status).toBe('connected');
    expect(bob?.files[1]).toEqual({ name: 'b.bin', delivered: false, reason: 'no delivery reported' });
  });
});
