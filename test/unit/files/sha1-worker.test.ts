import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWorkerSha1Stream } from '../../../runtime/files/sha1-worker.ts';
import { formatHashDigest } from '../../../runtime/sdp/file-attribute-codecs.ts';

const shared = (data: Uint8Array): Buffer => { const b = Buffer.from(new SharedArrayBuffer(data.length)); b.set(data); return b; };
const expected = (...parts: Uint8Array[]): string => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return formatHashDigest(h.digest());
};

describe('createWorkerSha1Stream', () => {
  it('hashes shared blocks on the worker, in order, two streams interleaved', async () => {
    const a = [randomBytes(70_000), randomBytes(1), randomBytes(300_000)];
    const b = [randomBytes(5), randomBytes(123_456)];
    const sa = createWorkerSha1Stream();
    const sb = createWorkerSha1Stream();
    await Promise.all([sa.update(shared(a[0]!)), sb.update(shared(b[0]!)), sa.update(shared(a[1]!)), sb.update(shared(b[1]!)), sa.update(shared(a[2]!).subarray(0, 200_000))]);
    expect(await sa.digest()).toEqual({ algorithm: 'sha-1', digest: expected(a[0]!, a[1]!, a[2]!.subarray(0, 200_000)) });
    expect(await sb.digest()).toEqual({ algorithm: 'sha-1', digest: expected(...b) });
  });

  it('a block that is not shared memory ends the stream: digest says undefined so the caller hashes the file', async () => {
    const s = createWorkerSha1Stream();
    await s.update(shared(randomBytes(10)));
    await s.update(randomBytes(10));
    expect(await s.digest()).toBeUndefined();
  });

  it('a dropped stream answers undefined', async () => {
    const s = createWorkerSha1Stream();
    await s.update(shared(randomBytes(10)));
    s.drop();
    expect(await s.digest()).toBeUndefined();
  });
});
