// RFC 5547 §6 file icons against an independent SIP peer: sipp plays the receiving user agent and
// checks (with its own regexps, failing the call otherwise) that cpm-ft's INVITE is multipart/mixed
// with the SDP's a=file-icon:cid:… and an image/png part marked Content-Disposition: icon; the test
// then compares the cid with the part's Content-ID in sipp's message log. The file goes to an MSRP
// sink and must arrive byte-identical, so the multipart body did not disturb the transfer.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rm, writeFile } from 'node:fs/promises';
import { createClient } from '../../src/client.ts';
import type { CpmClient } from '../../src/client-types.ts';
import { sha1Of, tempDir, writeTestFile } from '../e2e/transfer-harness.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { startMsrpSink } from '../helpers/msrp-sink.ts';
import { startSipp, sippMessages, SippExit } from '../helpers/sipp.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

describe.each(['udp', 'tcp'] as const)('cpm-ft sends a file icon to a sipp UAS over %s', (transport) => {
  it('sipp accepts the multipart INVITE; cid and Content-ID match; the file arrives', async () => {
    const dir = await tempDir('sipp-icon');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeTestFile(join(dir, 'photo.jpg'), 50_000);
    await writeFile(join(dir, 'thumb.png'), PNG);
    const msrp = await startMsrpSink(1);
    cleanups.push(() => msrp.close());
    const uas = await startSipp({ scenario: 'uas-icon-answer-then-bye.xml', transport, recvTimeoutMs: 8000, keys: { msrp_port: msrp.port, msrp_path: msrp.path(0) } });
    await uas.ready();
    const alice: CpmClient = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport } });
    cleanups.push(() => alice.close());
    const uri = `sip:bob@127.0.0.1:${uas.port}${transport === 'udp' ? '' : `;transport=${transport}`}`;
    const [summary, arrived] = await Promise.all([
      alice.send({ kind: 'one-recipient', uri }, [{ path: join(dir, 'photo.jpg'), icon: join(dir, 'thumb.png') }]).done,
      msrp.nextMessage(0),
    ]);
    const result = await uas.done;
    expect(result.exitCode, result.errors).toBe(SippExit.allCallsSucceeded);
    expect(summary.ok).toBe(true);
    expect(arrived.sha1).toBe(await sha1Of(join(dir, 'photo.jpg')));
    const invite = sippMessages(result.messages).find((m) => m.direction === 'received' && m.startLine.startsWith('INVITE '));
    const cid = /^a=file-icon:cid:(\S+)$/m.exec(invite?.body ?? '')?.[1];
    const contentId = /^Content-ID: <([^>]+)>$/m.exec(invite?.body ?? '')?.[1];
    expect(cid).toMatch(/^icon-[0-9a-f]{18}@127\.0\.0\.1$/);
    expect(contentId).toBe(cid);
    countWhenPassed('interop', 1);
  });
});
