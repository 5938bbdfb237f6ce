// The relay keeps a file's bytes for a member still being invited: the sender's message completes
// once a member that took it has it all, and the waiting member gets every byte from the first one
// when it accepts, or fails when it is given up.
import { describe, expect, it } from 'vitest';
import type { IncomingMessageInfo, MsrpSession } from '../../../runtime/index.ts';
import { createRelaySink } from '../../../src/focus/relay-message-sink.ts';

/** A session whose messages read their whole source and then succeed. */
function drainingSession(): { session: MsrpSession; received: Buffer[] } {
  const received: Buffer[] = [];
  const session = {
    send(source: AsyncIterable<Buffer>) {
      const done = (async () => { for await (const chunk of source) received.push(chunk); })();
      return { done, abort: () => undefined };
    },
  } as unknown as MsrpSession;
  return { session, received };
}

const info = { messageId: 'm1', contentType: 'application/octet-stream', size: 6, successReport: false, failureReport: 'yes', headers: {} } as unknown as IncomingMessageInfo;

describe('a relay with a member still being invited', () => {
  it("the sender's message completes with the accepted member; the late member gets every byte", async () => {
    const bob = drainingSession();
    const relay = createRelaySink(info, [{ member: 'bob', session: bob.session }], {}, ['carol']);
    await relay.write(1, Buffer.from('abc'));
    await relay.write(4, Buffer.from('def'));
    await relay.end('$');
    expect(Buffer.concat(bob.received).toString()).toBe('abcdef');
    let all = false;
    void relay.outcomes.then(() => { all = true; });
    await new Promise((r) => setTimeout(r, 20));
    expect(all).toBe(false);
    expect(relay.waiting('carol')).toBe(true);
    const carol = drainingSession();
    expect(relay.attach('carol', carol.session)).toBe(true);
    const outcomes = await relay.outcomes;
    expect(Buffer.concat(carol.received).toString()).toBe('abcdef');
    expect(outcomes.map((o) => [o.member, o.delivered])).toEqual([['bob', true], ['carol', true]]);
  });

  it('a waiting member that is given up fails without holding anything back', async () => {
    const bob = drainingSession();
    const relay = createRelaySink(info, [{ member: 'bob', session: bob.session }], {}, ['ghost']);
    await relay.write(1, Buffer.from('abcdef'));
    await relay.end('$');
    relay.drop('ghost', 'answered 408');
    const outcomes = await relay.outcomes;
    expect(outcomes[1]).toMatchObject({ member: 'ghost', delivered: false });
    expect(outcomes[1]?.error?.code).toBe('ERR_FOCUS_LEG_ENDED');
    expect(relay.attach('ghost', drainingSession().session)).toBe(false);
  });

  it('past its bound a waiting member pauses the sender until it answers', async () => {
    const bob = drainingSession();
    const relay = createRelaySink({ ...info, size: 8 } as IncomingMessageInfo, [{ member: 'bob', session: bob.session }], { waitingHighWaterMark: 4 }, ['carol']);
    expect(relay.write(1, Buffer.from('abc'))).toBeUndefined();
    let resumed = false;
    const paused = relay.write(4, Buffer.from('defgh'));
    expect(paused).toBeInstanceOf(Promise);
    void (paused as Promise<void>).then(() => { resumed = true; });
    await new Promise((r) => setTimeout(r, 20));
    expect(resumed).toBe(false);
    relay.attach('carol', drainingSession().session);
    await paused;
    expect(resumed).toBe(true);
  });
});
