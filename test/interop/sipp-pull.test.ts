// RFC 5547 pull against an independent SIP peer: sipp is the puller's user agent (its own INVITE with a
// recvonly offer and the file-selector, its own checks of the sendonly answer, its own BYE) and the
// test's MSRP sink is its MSRP half. cpm-ft's FileServer (client.serve) answers and connects to the
// sink; the file must arrive byte-identical.
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { createClient } from '../../src/client.ts';
import type { CpmClient } from '../../src/client-types.ts';
import { formatHashDigest } from '../../runtime/index.ts';
import { sha1Of, tempDir, writeTestFile } from '../e2e/transfer-harness.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { startMsrpSink } from '../helpers/msrp-sink.ts';
import { sippStartLines, startSipp, SippExit } from '../helpers/sipp.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

describeWithPeers(['sipp'], 'a sipp UAC pulls from cpm-ft serve', () => {
  describe.each(['udp', 'tcp'] as const)('a sipp UAC pulls from cpm-ft serve over %s', (transport) => {
    it('answered sendonly, the file arrives byte-identical at the puller\'s MSRP sink, then BYE', async () => {
      const dir = await tempDir('sipp-pull');
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      await writeTestFile(join(dir, 'served.bin'), 150_000);
      const hex = await sha1Of(join(dir, 'served.bin'));
      const hash = formatHashDigest(Buffer.from(hex, 'hex'));
      const bob: CpmClient = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport } });
      cleanups.push(() => bob.close());
      const served: boolean[] = [];
      bob.serve({ dir, onServed: (f) => served.push(f.ok) });
      const msrp = await startMsrpSink(1);
      cleanups.push(() => msrp.close());
      const uac = await startSipp({
        scenario: 'uac-pull.xml', transport, remote: `127.0.0.1:${bob.sipAddress.port}`, service: 'bob', pauseMs: 1500, recvTimeoutMs: 8000,
        keys: { msrp_port: msrp.port, msrp_path: msrp.path(0), selector: `name:"served.bin" size:150000 hash:sha-1:${hash}` },
      });
      const [arrived, result] = await Promise.all([msrp.nextMessage(0), uac.done]);
      expect(result.exitCode, result.errors).toBe(SippExit.allCallsSucceeded);
      expect(arrived.flag).toBe('$');
      expect(arrived.body.length).toBe(150_000);
      expect(arrived.sha1).toBe(hex);
      expect(served).toEqual([true]);
      countWhenPassed('interop', 1);
    });
  });

  describe.each(['udp', 'tcp'] as const)('a sipp UAC pulls two files in one session from cpm-ft serve over %s', (transport) => {
    it('a refresh re-INVITE gets the same answer, a re-offer with a new file-transfer-id gets the second file, port 0 closes [RFC 5547 §8.1]', async () => {
      const dir = await tempDir('sipp-pull-reinvite');
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      await writeTestFile(join(dir, 'first.bin'), 120_000);
      await writeTestFile(join(dir, 'second.bin'), 90_000);
      const bob: CpmClient = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport } });
      cleanups.push(() => bob.close());
      const served: Array<[string, boolean]> = [];
      bob.serve({ dir, onServed: (f) => served.push([f.name, f.ok]) });
      const msrp = await startMsrpSink(2);
      cleanups.push(() => msrp.close());
      const uac = await startSipp({
        scenario: 'uac-pull-reinvite.xml', transport, remote: `127.0.0.1:${bob.sipAddress.port}`, service: 'bob', recvTimeoutMs: 8000,
        keys: { msrp_port: msrp.port, msrp_path: msrp.path(0), msrp_path2: msrp.path(1), selector: 'name:"first.bin" size:120000', selector2: 'name:"second.bin" size:90000' },
      });
      const result = await uac.done;
      expect(result.exitCode, `${result.errors}\n${sippStartLines(result.messages).join('\n')}`).toBe(SippExit.allCallsSucceeded);
      const [first, second] = await Promise.all([msrp.nextMessage(0), msrp.nextMessage(1)]);
      expect(first.sha1).toBe(await sha1Of(join(dir, 'first.bin')));
      expect(second.sha1).toBe(await sha1Of(join(dir, 'second.bin')));
      // The refresh sent nothing again: one message per sink session.
      expect([msrp.messages(0).length, msrp.messages(1).length]).toEqual([1, 1]);
      expect(served).toEqual([['first.bin', true], ['second.bin', true]]);
      countWhenPassed('interop', 1);
    });
  });
});
