// The Message-IDs a session refused are remembered so later chunks get the same answer, but only
// the most recent N of them: a peer inventing ids must not grow the session's memory without bound.
import { describe, expect, it } from 'vitest';
import type { MsrpConnection } from '../../../runtime/msrp/msrp-connection.ts';
import { MsrpSession, type MsrpSessionHost } from '../../../runtime/msrp/msrp-session.ts';
import { parseMsrpUri } from '../../../runtime/msrp/msrp-uri.ts';
import { serializeRequest } from '../../../runtime/msrp/syntax/msrp-serializer.ts';
import { LruMap } from '../../../runtime/msrp/lru-map.ts';
import { parsePieces } from './collect.ts';

const uri = (s: string) => { const r = parseMsrpUri(s); if (!r.ok) throw r.error; return r.value; };
const local = uri('msrp://127.0.0.1:1/local;tcp');
const peer = uri('msrp://127.0.0.1:2/peer;tcp');

const host: MsrpSessionHost = { connect: () => Promise.reject(new Error('unused')), bind: () => {}, release: () => {} };

/** A connection that records what the session writes back. */
function fakeConnection() {
  const written: Buffer[] = [];
  const conn = { closed: false, write: (parts: Buffer[]) => { written.push(...parts); }, reply: (parts: Buffer[]) => { written.push(...parts); }, pause: () => {}, resume: () => {} };
  const statuses = () => parsePieces([Buffer.concat(written)]).messages.map((m) => (m.head.kind === 'response' ? m.head.status : 0));
  return { conn: conn as unknown as MsrpConnection, statuses };
}

function deliver(session: MsrpSession, conn: MsrpConnection, messageId: string): void {
  const wire = Buffer.concat(serializeRequest({
    transactionId: `t-${messageId}`, method: 'SEND', toPath: [local], fromPath: [peer], messageId,
    byteRange: { start: 1, end: 1, total: 10 }, contentType: 'text/plain',
  }, [Buffer.from('x')], '+'));
  const [m] = parsePieces([wire]).messages;
  if (m?.head.kind !== 'request') throw new Error('expected a request');
  const handler = session.handleRequest(conn, m.head);
  handler?.data(m.body);
  handler?.end('+');
}

describe('MsrpSession refused Message-IDs', () => {
  it('remembers at most maxRememberedRefusals ids, least recently used forgotten first', () => {
    const offered: string[] = [];
    const session = new MsrpSession(host, 'local', local, {
      maxRememberedRefusals: 4,
      delegate: { onMessageStart: (info) => { offered.push(info.messageId); return { reject: 415 }; } },
    });
    const { conn, statuses } = fakeConnection();
    for (let i = 0; i < 5000; i++) deliver(session, conn, `m${i}`);
    expect(session.rememberedRefusals).toBe(4);
    expect(offered).toHaveLength(5000);
    // The newest id is still remembered: its next chunk is refused without asking the delegate.
    deliver(session, conn, 'm4999');
    expect(offered).toHaveLength(5000);
    // The oldest one was forgotten: it is offered again, as a new message would be.
    deliver(session, conn, 'm0');
    expect(offered).toHaveLength(5001);
    expect(session.rememberedRefusals).toBe(4);
    expect(new Set(statuses())).toEqual(new Set([415]));
  });

  it('has a bounded default', () => {
    const session = new MsrpSession(host, 'local', local, { delegate: { onMessageStart: () => ({ reject: 415 }) } });
    const { conn } = fakeConnection();
    for (let i = 0; i < 3000; i++) deliver(session, conn, `d${i}`);
    expect(session.rememberedRefusals).toBe(1024);
  });

  it('LruMap: get refreshes recency; capacity must be positive', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1).set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.size).toBe(2);
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
