// A finished or aborted writer gives its pooled 1 MiB blocks back. Its session can keep it
// reachable for a while after the file ended (a BYE to a sender that vanished is retried for 32 s),
// and while the pool went with it, each such session held up to 6 MiB of ArrayBuffers: in a soak
// against SIGKILLed senders, most of the receiver's external memory. Measured after a full
// collection, with the writers still referenced, as such sessions hold them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceivingWriter } from '../../../runtime/files/receiving-writer.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

let folder: string;
beforeEach(() => { folder = mkdtempSync(join(tmpdir(), 'cpm-writer-pool-')); });
afterEach(() => rmSync(folder, { recursive: true, force: true }));

// After a macrotask: the writer's own async frames that last touched a block have returned by then.
const arrayBuffersAfterGc = async (): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
  return process.memoryUsage().arrayBuffers;
};

/** Writes `data` in 64 KiB socket-sized pieces without waiting for each, as a fast sender does. */
async function fill(writer: ReceivingWriter, data: Buffer): Promise<void> {
  const writes: Array<Promise<void>> = [];
  for (let i = 0; i < data.length; i += 64 * 1024) writes.push(writer.write(data.subarray(i, i + 64 * 1024)));
  await Promise.all(writes);
}

describe('ReceivingWriter: the block pool of an ended writer', () => {
  it('eight ended writers (four published, four aborted), still referenced, hold no pooled blocks', async () => {
    const data = randomBytes(4 * MiB);
    const before = (await arrayBuffersAfterGc());
    const held: ReceivingWriter[] = [];
    for (let i = 0; i < 8; i++) {
      const writer = await ReceivingWriter.create({ folder, offeredName: `f${i}.bin`, expectedSize: data.length });
      held.push(writer);
      await fill(writer, data);
      if (i % 2 === 0) expect((await writer.finalize({ size: data.length })).ok).toBe(true);
      else await writer.abort();
    }
    // 4 MiB each (32 MiB in all) when the pools stayed with the writers; under 1 MiB each allows
    // for ArrayBuffers V8 has not yet swept when the count is read. The count is process-wide, and
    // the worker may still be finishing an earlier test file's I/O: the lowest of a few readings
    // is taken, since blocks the writers held would be in every one of them.
    let grown = Number.POSITIVE_INFINITY;
    for (let reading = 0; reading < 5 && grown >= 8 * MiB; reading++) {
      if (reading > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      grown = Math.min(grown, (await arrayBuffersAfterGc()) - before);
    }
    expect(grown).toBeLessThan(8 * MiB);
    expect(held).toHaveLength(8);
  });
});
