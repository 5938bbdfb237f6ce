// RFC 5547 §6 file icons against an independent SIP peer: sipp plays the receiving user agent and
// checks (with its own regexps, failing the call otherwise) that cpm-ft's INVITE is multipart/mixed
// with the SDP's a=file-icon:cid:… and an image/png part marked Content-Disposition: icon; the test
// then compares the cid with the part's Content-ID in sipp's message log, and the icon bytes sipp
// logged with the icon file. sipp logs each message as a C string, so its log holds the icon only up
// to the first NUL byte (a PNG has one at byte 9); the whole icon is compared as tshark's multipart
// and PNG dissectors delimit it in a capture of the same call. The file goes to an MSRP sink and must
// arrive byte-identical, so the multipart body did not disturb the transfer.
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { join } from 'node:path';
import { rm, writeFile } from 'node:fs/promises';
import { createClient } from '../../src/client.ts';
import type { CpmClient } from '../../src/client-types.ts';
import { sha1Of, tempDir, writeTestFile } from '../e2e/transfer-harness.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { startMsrpSink } from '../helpers/msrp-sink.ts';
import { startSipp, sippMessages, SippExit } from '../helpers/sipp.ts';
import { startCapture } from '../helpers/tshark-capture.ts';
import { iconPartsInCapture } from '../helpers/tshark-icon-parts.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

describeWithPeers(['sipp', 'tshark'], 'cpm-ft sends a file icon to a sipp UAS', () => {
  describe.each(['udp', 'tcp'] as const)('cpm-ft sends a file icon to a sipp UAS over %s', (transport) => {
    it('sipp accepts the multipart INVITE; cid and Content-ID match; the icon bytes (sipp log, tshark) are the icon file; the file arrives', async () => {
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
      const capture = await startCapture({ ports: [uas.port, alice.sipAddress.port] });
      cleanups.push(() => capture.dispose());
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
      // The icon bytes as sipp logged them: the part's headers, then the PNG up to its first NUL.
      const logged = result.messageBytes;
      const partStart = logged.indexOf(Buffer.from(`Content-ID: <${cid}>\r\nContent-Disposition: icon\r\n\r\n`));
      expect(partStart).toBeGreaterThan(0);
      const firstNul = PNG.indexOf(0);
      const afterHeaders = partStart + `Content-ID: <${cid}>\r\nContent-Disposition: icon\r\n\r\n`.length;
      expect(logged.subarray(afterHeaders, afterHeaders + firstNul).equals(PNG.subarray(0, firstNul))).toBe(true);
      // The whole icon as tshark delimits it on the wire to sipp: byte-identical to the icon file.
      await capture.stop();
      const parts = await iconPartsInCapture(capture.file, [uas.port, alice.sipAddress.port], transport);
      expect(parts.length).toBeGreaterThanOrEqual(1);
      for (const part of parts) {
        expect(part.dissector).toBe('png');
        expect(part.contentId).toBe(`<${cid}>`);
        expect(part.bytes.equals(PNG)).toBe(true);
      }
      countWhenPassed('interop', 1);
    });
  });
});
