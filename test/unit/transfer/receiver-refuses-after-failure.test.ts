// Once a file's line has failed (here: the receiver closes while the file is arriving), further
// chunks must not be answered 200: the sender's acknowledged count, which becomes its resume
// point, may never run ahead of the partial the receiver kept (RFC 4975 §7.2 / RFC 5547 §6).

import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeTestFile } from '../../e2e/transfer-harness.ts';
import { startRuntimePair, type RuntimePair } from '../../faults/runtime-pair.ts';

let pair: RuntimePair | undefined;
let dir: string | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('FileTransferReceiver after a line failed', () => {
  it('refuses the chunks that still arrive, so the sender resumes exactly where the kept partial ends', async () => {
    pair = await startRuntimePair({ receiver: { keepPartials: true }, sender: { chunkSize: 64 * 1024 } });
    const { sender, receiver, inbox } = pair;
    const size = 96 * 1024 * 1024;
    dir = await tempDir('refuse-after-failure');
    const file = join(dir, 'big.bin');
    await writeTestFile(file, size);
    const transfer = sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]);
    const failures: Array<{ source: string; status: number | undefined; message: string }> = [];
    transfer.on('file-failed', (f) => failures.push({ source: f.failure.source, status: f.failure.status, message: f.failure.message }));
    await new Promise<void>((resolve) => {
      receiver.on('progress', (p) => { if (p.received >= 8 * 1024 * 1024) resolve(); });
    });
    // As on SIGTERM: the receiver closes, failing the open file and keeping its prefix, while the
    // sender keeps streaming until it is told.
    const closing = receiver.close();
    const summary = await transfer.done;
    await closing;
    expect(summary.ok).toBe(false);
    // The receiver's BYE (sent before its MSRP sessions close) names the cause; the refused chunks
    // after it are that BYE's consequence, not the failure shown.
    expect(failures).toEqual([{ source: 'peer-bye', status: undefined, message: 'the receiver closed the session (receiving stopped)' }]);
    const entries = sender.resumeBook.entries();
    expect(entries).toHaveLength(1);
    const next = entries[0]?.[1] ?? 0;
    expect(next).toBeGreaterThan(1);
    const kept = (await readdir(inbox)).filter((n) => /^\.cpm-resume-.*\.part$/.test(n));
    expect(kept).toHaveLength(1);
    const keptBytes = (await stat(join(inbox, kept[0] ?? ''))).size;
    // Every byte the sender counts as acknowledged is in the partial.
    expect(keptBytes).toBeGreaterThanOrEqual(next - 1);
  }, 60_000);
});
