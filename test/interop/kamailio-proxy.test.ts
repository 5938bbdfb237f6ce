// A full cpm-ft transfer (two files, a second batch by re-INVITE, BYE) between our own sender and
// receiver through kamailio as a record-routing proxy (test/interop/kamailio/proxy.cfg), over UDP and
// TCP. The sender uses the proxy as its outbound proxy; a tshark capture shows the in-dialog requests
// (ACK, re-INVITE, BYE) carrying the Route learnt from Record-Route (RFC 3261 §12.1.2, §16.12).
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listDir, markHandles, sha1Of, startPair, type Pair } from '../e2e/transfer-harness.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { startKamailio, type KamailioRun } from '../helpers/kamailio.ts';
import { startCapture, type TsharkCapture } from '../helpers/tshark-capture.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { textContent } from './text-content.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

describeWithPeers(['kamailio', 'tshark'], 'cpm-ft through a kamailio record-routing proxy', () => {
  describe.each(['udp', 'tcp'] as const)('cpm-ft through a kamailio record-routing proxy over %s', (transport) => {
    it('a two-batch transfer passes through it and every in-dialog request carries its Route', async () => {
      const proxy: KamailioRun = await startKamailio({ config: 'proxy.cfg', transports: ['udp', 'tcp'] });
      cleanups.push(() => proxy.stop());
      // The leak check in pair.close() compares with this point: the proxy is already running, and
      // tshark has exited (decode) by the time the pair closes.
      await markHandles();
      const suffix = transport === 'udp' ? '' : ';transport=tcp';
      const pair: Pair = await startPair(transport, { sender: { outboundProxy: `sip:127.0.0.1:${proxy.port}${suffix}` } });
      let closed = false;
      cleanups.push(async () => { if (!closed) await pair.close(); });
      const receiverPort = pair.receiver.sipAddress.port;
      const capture: TsharkCapture = await startCapture({ ports: [proxy.port, receiverPort] });
      cleanups.push(() => capture.dispose());

      const files = ['one.txt', 'two.txt', 'three.txt'].map((n) => join(pair.outbox, n));
      for (const [i, f] of files.entries()) await writeFile(f, textContent(20_000 + i * 777));
      const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, files.slice(0, 2));
      transfer.queue(files.slice(2));
      const summary = await transfer.done;
      await pair.sessionEnd();

      expect(summary.ok, JSON.stringify(summary.files)).toBe(true);
      expect(await listDir(pair.inbox)).toEqual(['one.txt', 'three.txt', 'two.txt']);
      for (const f of files) expect(await sha1Of(join(pair.inbox, f.split('/').pop() as string))).toBe(await sha1Of(f));
      const sent = pair.sip('sender').filter((r) => r.direction === 'sent').map((r) => r.method);
      expect(sent).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
      // Over UDP the receiver sees every request coming from the proxy's socket (over TCP kamailio
      // connects from an ephemeral port, so the Via check below covers both).
      const peers = pair.logs.filter((e) => e['side'] === 'receiver' && e.kind === 'sip' && e.direction === 'received' && e['status'] === undefined).map((e) => e['peer']);
      expect(peers.length).toBeGreaterThanOrEqual(5);
      if (transport === 'udp') for (const peer of peers) expect(peer).toBe(`127.0.0.1:${proxy.port}`);

      const sipPorts = [proxy.port, receiverPort];
      const decoded = await capture.decode(transport === 'udp' ? { udpSip: sipPorts } : { tcpSip: sipPorts });
      // RFC 3261 §16.6 step 8: what the proxy forwarded carries its own Via on top of the sender's.
      const forwarded = decoded.frames.filter((f) => f.dstPort === receiverPort)
        .flatMap((f) => f.sip).filter((m) => m.kind === 'request');
      expect(forwarded.map((m) => m.method)).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
      for (const request of forwarded) {
        expect(request.via).toHaveLength(2);
        expect(request.via[0]).toContain(`127.0.0.1:${proxy.port}`);
      }
      // Requests addressed to the proxy: only the sender sends any (the receiver only answers).
      const fromSender = decoded.frames.filter((f) => f.dstPort === proxy.port);
      const requests = fromSender.flatMap((f) => f.sip).filter((m) => m.kind === 'request');
      expect(requests.map((m) => m.method)).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
      const [initial, ...inDialog] = requests;
      // The initial INVITE is sent to the outbound proxy with a loose Route to it.
      expect(initial?.route.join(',')).toContain(`127.0.0.1:${proxy.port}`);
      const recordRoute = decoded.sip.find((m) => m.kind === 'response' && m.status === 200 && m.cseq?.method === 'INVITE')?.recordRoute ?? [];
      expect(recordRoute.join(',')).toMatch(new RegExp(`sip:127\\.0\\.0\\.1:${proxy.port};[^>]*lr`));
      for (const request of inDialog) {
        expect(request.route.join(','), `${request.method} Route`).toMatch(new RegExp(`<sip:127\\.0\\.0\\.1:${proxy.port};[^>]*lr`));
      }
      expect(decoded.malformed).toEqual([]);

      closed = true;
      await pair.close();
      countWhenPassed('interop', 1);
    });
  });
});
