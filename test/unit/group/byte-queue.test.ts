import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../../src/focus/byte-queue.ts';

describe('ByteQueue (per-leg relay buffer)', () => {
  it('hands chunks to the consumer in order and ends after the last', async () => {
    const q = new ByteQueue(100);
    q.push(Buffer.from('ab'));
    q.push(Buffer.from('cd'));
    q.end();
    const seen: string[] = [];
    for await (const b of q) seen.push(b.toString());
    expect(seen).toEqual(['ab', 'cd']);
  });

  it('makes the producer wait at the high-water mark until the consumer takes data', async () => {
    const q = new ByteQueue(4);
    q.push(Buffer.alloc(3));
    expect(q.full).toBe(false);
    q.push(Buffer.alloc(3));
    expect(q.full).toBe(true);
    let released = false;
    const wait = q.whenNotFull().then(() => { released = true; });
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    const it = q[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    await wait;
    expect(released).toBe(true);
    expect(q.bytes).toBe(0);
  });

  it('releases a waiting producer and drops data once the consumer abandons it', async () => {
    const q = new ByteQueue(1);
    q.push(Buffer.alloc(10));
    const wait = q.whenNotFull();
    q.abandon();
    await wait;
    q.push(Buffer.alloc(10));
    expect(q.bytes).toBe(0);
    expect(q.full).toBe(false);
  });

  it('makes the consumer throw when the producer fails', async () => {
    const q = new ByteQueue(10);
    q.push(Buffer.from('x'));
    q.fail(new Error('sender aborted'));
    await expect((async () => { for await (const _ of q) void _; })()).rejects.toThrow('sender aborted');
  });
});
