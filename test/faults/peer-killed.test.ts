// The receiving process dies mid-transfer: a real `cpm-ft receive` child is SIGKILLed while a file
// streams to it. The sender must fail the file with a clear cause within a bounded time and
// release the session (its BYE goes unanswered; Timer F ends it), leaking nothing. The killed
// process cannot clean up: its folder may keep a hidden temporary `.cpm-*.part`, but never the
// final name. A receiver started again on the folder sweeps that orphan.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTransferReceiver, FileTransferSender, MsrpEndpoint, type TransferLogEvent, cpmContactParams, createUdpTransport, createUserAgent } from '../../runtime/index.ts';
import { fileTransferProcedures } from '../../src/procedures.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { killTrackedChildren, trackChild, waitForExit } from '../helpers/child-process-registry.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { writeTestFile } from '../e2e/transfer-harness.ts';
import { eventually, folderNames } from './fault-checks.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

const bin = cliEntry().bin;
const MiB = 1024 * 1024;
let before: HandleSnapshot;
beforeEach(async () => { before = await snapshotHandles(); });
afterEach(async () => {
  await killTrackedChildren();
  await assertNoLeakedHandles(before, 2000);
});

describe('peer process killed', () => {
  it('SIGKILL of the receiving process mid-file: the sender fails with the cause within seconds', async () => {
    const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-killed-inbox-'));
    const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-killed-outbox-'));
    const child = trackChild(spawn(process.execPath, [bin, 'receive', '--sip', '127.0.0.1:0', '--dir', inbox], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }));
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr?.on('data', () => {});
    // RFC 3261 T1 of 20 ms: the unanswered BYE gives up after 64*T1 = 1.3 s.
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams(), timers: { T1: 20 } });
    const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
    // Small chunks, one in flight: the file is still streaming when the receiver dies.
    const sender = new FileTransferSender({ ua, endpoint, procedures: fileTransferProcedures, chunkSize: 2048, window: 1, waitTimeoutMs: 5000 });
    try {
      await eventually(() => /listening on sip:/.test(out), 'the receiver to listen', 15_000);
      const port = Number(/listening on sip:127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
      const file = join(outbox, 'payload.bin');
      await writeTestFile(file, 32 * MiB);
      const transfer = sender.send({ kind: 'one-recipient', uri: `sip:bob@127.0.0.1:${port}` }, [file]);
      let killedAt = 0;
      let failedAt = 0;
      const told: Array<{ source: string; message: string }> = [];
      transfer.on('progress', (p) => {
        if (killedAt !== 0 || p.sent === 0) return;
        killedAt = Date.now();
        child.kill('SIGKILL');
      });
      transfer.on('file-failed', (f) => {
        failedAt = Date.now();
        told.push({ source: f.failure.source, message: f.failure.message });
      });
      const summary = await transfer.done;
      const doneAt = Date.now();
      expect(await waitForExit(child)).toEqual({ code: null, signal: 'SIGKILL' });
      expect(killedAt).toBeGreaterThan(0);
      expect(summary.ok).toBe(false);
      expect(told).toEqual([{ source: 'connection', message: expect.stringMatching(/MSRP connection (closed|error)/) }]);
      // Bounded: the dropped TCP connection is noticed at once; the release waits for Timer F at most.
      expect(failedAt - killedAt).toBeLessThan(5000);
      expect(doneAt - killedAt).toBeLessThan(10_000);
      const left = await folderNames(inbox);
      expect(left).not.toContain('payload.bin');
      // The writer's file exists from the answer on, before any byte is sent.
      expect(left).toHaveLength(1);
      for (const name of left) expect(name).toMatch(/^\.cpm-[0-9a-f]+\.part$/);
      // Restarted on the same folder (age 0: no other receiver shares it), the orphan goes.
      const events: TransferLogEvent[] = [];
      const restarted = new FileTransferReceiver({ endpoint, procedures: fileTransferProcedures, dir: inbox, staleTempPartAgeMs: 0, log: (e) => events.push(e) });
      const report = await restarted.swept;
      expect(report?.removed.map((r) => r.path)).toEqual([join(inbox, left[0] as string)]);
      expect(events).toEqual([expect.objectContaining({ kind: 'file', event: 'stale-part-removed', path: join(inbox, left[0] as string) })]);
      expect(await folderNames(inbox)).toEqual([]);
      await restarted.close();
      countWhenPassed('faults', 1);
    } finally {
      await sender.close();
      ua.close();
      await endpoint.close();
      await transport.close();
      await killTrackedChildren();
      await rm(inbox, { recursive: true, force: true });
      await rm(outbox, { recursive: true, force: true });
    }
  }, 40_000);
});
