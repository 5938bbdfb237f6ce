// cpm-ft's receiver (createClient().receive) against sipp playing the offering SIP user agent, over UDP
// and TCP on 127.0.0.1. The MSRP half of the offerer is a runtime MsrpEndpoint session in the test:
// its a=path goes into sipp's INVITE, and it pushes the file once the receiver's answer is known.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '../../src/client.ts';
import type { CpmClient, IncomingTransferEvents, LogEvent } from '../../src/client-types.ts';
import { MsrpEndpoint, parseMsrpPath } from '../../runtime/msrp/index.ts';
import { listDir, tempDir } from '../e2e/transfer-harness.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { waitFor } from '../helpers/fuzz-raw-peers.ts';
import { startSipp, sippMessages, SippExit } from '../helpers/sipp.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

const cleanups: Array<() => Promise<void>> = [];
let before: HandleSnapshot;
beforeEach(async () => { before = await snapshotHandles(); });
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

/** RFC 5547 §5 / RFC 4572 hash syntax: uppercase hex pairs separated by colons. */
function sha1Selector(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
}

/** Text content: recognisable in captures and logs, and never containing an MSRP end-line. */
function textFile(size: number): Buffer {
  const line = 'cpm-ft interop: the quick brown fox jumps over the lazy dog 0123456789\n';
  return Buffer.from(line.repeat(Math.ceil(size / line.length)).slice(0, size));
}

describeWithPeers(['sipp'], 'cpm-ft receiver against a sipp UAC', () => {
  describe.each(['udp', 'tcp'] as const)('cpm-ft receiver against a sipp UAC over %s', (transport) => {
    it.each([
      ['active', 'the offerer (test MSRP endpoint) connects'],
      ['actpass', 'the receiver chooses active and connects'],
    ] as const)('a=setup:%s: %s; the file lands in the folder with its hash checked, then sipp BYEs', async (setup, _who) => {
      const inbox = await tempDir('sipp-in');
      cleanups.push(() => rm(inbox, { recursive: true, force: true }));
      const logs: LogEvent[] = [];
      const receiver: CpmClient = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport }, log: (e) => logs.push(e) });
      cleanups.push(() => receiver.close());
      receiver.receive({ dir: inbox });
      const received: Array<IncomingTransferEvents['file-received']> = [];
      const ended: Array<IncomingTransferEvents['session-end']> = [];
      receiver.on('file-received', (e) => received.push(e));
      receiver.on('session-end', (e) => ended.push(e));

      const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => endpoint.close());
      const session = endpoint.createSession();
      const content = textFile(120_000);
      const transferId = `sipp-ftid-${setup}-${transport}`;
      const uac = await startSipp({
        scenario: 'uac-offer-to-receiver.xml', transport, service: 'bob', recvTimeoutMs: 5000, pauseMs: 1000,
        remote: `127.0.0.1:${receiver.sipAddress.port}`,
        keys: {
          msrp_port: endpoint.port, msrp_path: session.localPathText, setup, offer_ftid: transferId,
          offer_selector: `name:"interop notes.txt" type:text/plain size:${content.length} hash:sha-1:${sha1Selector(content)}`,
        },
      });

      // The receiver's 2xx answer (its log hook shows the body) gives us its a=path.
      const answer = await waitFor(() => logs.find((e) => e.kind === 'sip' && e.direction === 'sent' && e['status'] === 200 && typeof e['body'] === 'string' && e['body'].includes('m=message')), 5000);
      const body = typeof answer?.['body'] === 'string' ? answer['body'] : '';
      const path = parseMsrpPath(/^a=path:(.*)$/m.exec(body)?.[1]?.trim() ?? '');
      if (!path.ok) throw path.error;
      // RFC 6135 §4: an active offer gets a passive answer; with actpass the receiver answers active.
      expect(body).toMatch(setup === 'active' ? /^a=setup:passive\r?$/m : /^a=setup:active\r?$/m);
      session.setRemotePath(path.value);
      if (setup === 'active') await session.connect();
      else await session.waitBound();
      const message = session.send([content], { size: content.length, contentType: 'text/plain' });
      await message.done;

      const result = await uac.done;
      expect(result.exitCode, result.errors).toBe(SippExit.allCallsSucceeded);
      await waitFor(() => ended[0], 3000);
      expect(received).toHaveLength(1);
      expect(received[0]?.size).toBe(content.length);
      expect(await listDir(inbox)).toEqual(['interop notes.txt']);
      expect((await readFile(join(inbox, 'interop notes.txt'))).equals(content)).toBe(true);
      expect(ended).toEqual([expect.objectContaining({ files: 1 })]);
      const log = sippMessages(result.messages);
      const ok = log.find((m) => m.direction === 'received' && m.startLine === 'SIP/2.0 200 OK' && m.body.includes('m=message'));
      // RFC 5547 §8: the push is answered recvonly, echoing the selector and the transfer id.
      expect(ok?.body).toMatch(/^a=recvonly$/m);
      expect(ok?.body).toContain(`a=file-transfer-id:${transferId}`);
      expect(ok?.body).toContain('a=file-selector:name:"interop notes.txt"');
      expect(log.filter((m) => m.direction === 'sent').map((m) => m.startLine.split(' ')[0])).toEqual(['INVITE', 'ACK', 'BYE']);

      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await assertNoLeakedHandles(before, 2000);
      countWhenPassed('interop', 1);
    });
  });
});
