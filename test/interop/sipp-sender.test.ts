// cpm-ft's sender (createClient().send) against sipp playing the remote SIP user agent, over UDP and
// TCP on 127.0.0.1. The MSRP half of that peer is a runtime MsrpEndpoint (test/helpers/msrp-sink.ts)
// whose a=path sipp puts in its answer, so every byte the sender pushes is checked at the sink.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { createClient } from '../../src/client.ts';
import type { CpmClient, LogEvent, SipTransportName } from '../../src/client-types.ts';
import { sha1Of, tempDir, writeTestFile } from '../e2e/transfer-harness.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { startMsrpSink, type MsrpSink } from '../helpers/msrp-sink.ts';
import { startSipp, sippMessages, sippStartLines, SippExit, type SippLoggedMessage } from '../helpers/sipp.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { seedProcedures } from '../helpers/seed-spec.ts';
import { buildSenderStack } from './sender-stack.ts';

const cleanups: Array<() => Promise<void>> = [];
let before: HandleSnapshot;

beforeEach(async () => { before = await snapshotHandles(); });
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

async function outbox(): Promise<string> {
  const dir = await tempDir('sipp-out');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function sink(n: number): Promise<MsrpSink> {
  const s = await startMsrpSink(n);
  cleanups.push(() => s.close());
  return s;
}

async function client(transport: SipTransportName, logs: LogEvent[]): Promise<CpmClient> {
  // The scenarios script the seed spec's behaviour (re-INVITE, BYE), so run its frozen procedures.
  const c = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport }, log: (e) => logs.push(e), procedures: await seedProcedures() });
  cleanups.push(() => c.close());
  return c;
}

const target = (port: number, transport: SipTransportName): string =>
  `sip:bob@127.0.0.1:${port}${transport === 'udp' ? '' : `;transport=${transport}`}`;

const received = (log: readonly SippLoggedMessage[], method: string): SippLoggedMessage[] =>
  log.filter((m) => m.direction === 'received' && m.startLine.startsWith(`${method} `));

const attr = (body: string, name: string): string[] =>
  body.split('\n').filter((l) => l.startsWith(`a=${name}:`)).map((l) => l.slice(name.length + 3).trim());

describeWithPeers(['sipp'], 'cpm-ft sender against a sipp UAS', () => {
  describe.each(['udp', 'tcp'] as const)('cpm-ft sender against a sipp UAS over %s', (transport) => {
    it('one file: RFC 5547 answer, bytes verified at the MSRP sink, then BYE [7.6.1-1.one-to-one] [7.6.1-2] [7.6.2]', async () => {
      const dir = await outbox();
      const file = join(dir, 'notes.txt');
      await writeTestFile(file, 200_000);
      const msrp = await sink(1);
      const uas = await startSipp({
        scenario: 'uas-answer-then-bye.xml', transport, recvTimeoutMs: 8000,
        keys: { msrp_port: msrp.port, msrp_path: msrp.path(0) },
      });
      await uas.ready();
      const logs: LogEvent[] = [];
      const sender = await client(transport, logs);
      const transfer = sender.send({ kind: 'one-recipient', uri: target(uas.port, transport) }, [file]);
      const [summary, arrived] = await Promise.all([transfer.done, msrp.nextMessage(0)]);
      const result = await uas.done;

      expect(result.exitCode, result.errors).toBe(SippExit.allCallsSucceeded);
      expect(summary.ok).toBe(true);
      expect(summary.files.map((f) => [f.name, f.ok])).toEqual([['notes.txt', true]]);
      expect(arrived.flag).toBe('$');
      expect(arrived.body.length).toBe(200_000);
      expect(arrived.sha1).toBe(await sha1Of(file));

      const log = sippMessages(result.messages);
      const [invite] = received(log, 'INVITE');
      expect(invite?.startLine).toMatch(new RegExp(`^INVITE sip:bob@127\\.0\\.0\\.1:${uas.port}`));
      // RFC 5547 §5 / §8: a push offer is sendonly and names the file and its transfer id.
      expect(invite?.body).toMatch(/^m=message \d+ TCP\/MSRP \*$/m);
      expect(invite?.body).toMatch(/^a=sendonly$/m);
      expect(attr(invite?.body ?? '', 'file-selector')[0]).toMatch(/^name:"notes\.txt" type:\S+ size:200000 hash:sha-1:([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
      expect(attr(invite?.body ?? '', 'file-transfer-id')).toHaveLength(1);
      // The answer mirrored what was offered (the scenario's regexps captured it from our INVITE).
      const answer = log.find((m) => m.direction === 'sent' && m.startLine === 'SIP/2.0 200 OK' && m.body.includes('m=message'));
      expect(attr(answer?.body ?? '', 'file-transfer-id')).toEqual(attr(invite?.body ?? '', 'file-transfer-id'));
      expect(received(log, 'ACK')).toHaveLength(1);
      expect(received(log, 'BYE')).toHaveLength(1);
      expect(sippStartLines(result.messages).filter((l) => !l.startsWith('SIP/2.0 1'))).toEqual([
        expect.stringMatching(/^INVITE /), 'SIP/2.0 200 OK', expect.stringMatching(/^ACK /), expect.stringMatching(/^BYE /), 'SIP/2.0 200 OK',
      ]);
      countWhenPassed('interop', 1);
    });

    it('two batches: two m-lines, then a re-INVITE reusing the first with a new transfer id and port 0 on the second, then BYE [7.6.1-4.b.i] [7.6.1-4.b.ii]', async () => {
      const dir = await outbox();
      const files = ['a.txt', 'b.txt', 'c.txt'].map((n) => join(dir, n));
      for (const [i, f] of files.entries()) await writeTestFile(f, 30_000 + i * 1000);
      const msrp = await sink(3);
      const uas = await startSipp({
        scenario: 'uas-answer-two-batches.xml', transport, recvTimeoutMs: 8000,
        keys: { msrp_port: msrp.port, msrp_path1: msrp.path(0), msrp_path2: msrp.path(1), msrp_path3: msrp.path(2) },
      });
      await uas.ready();
      const logs: LogEvent[] = [];
      const sender = await client(transport, logs);
      const transfer = sender.send({ kind: 'one-recipient', uri: target(uas.port, transport) }, files.slice(0, 2));
      transfer.queue(files.slice(2));
      const [summary, ...arrived] = await Promise.all([transfer.done, msrp.nextMessage(0), msrp.nextMessage(1), msrp.nextMessage(2)]);
      const result = await uas.done;

      expect(result.exitCode, result.errors).toBe(SippExit.allCallsSucceeded);
      expect(summary.files.map((f) => [f.name, f.ok])).toEqual([['a.txt', true], ['b.txt', true], ['c.txt', true]]);
      for (const [i, m] of arrived.entries()) expect(m.sha1).toBe(await sha1Of(files[i] as string));

      const log = sippMessages(result.messages);
      const [offer, reoffer] = received(log, 'INVITE');
      expect(offer?.body.match(/^m=message /gm)).toHaveLength(2);
      // RFC 3264 §8.2 / RFC 5547 §8.4: same number of m-lines, the first reused with a new transfer id,
      // the second kept in place with port 0.
      const mlines = (reoffer?.body ?? '').split('\n').filter((l) => l.startsWith('m='));
      expect(mlines).toHaveLength(2);
      expect(mlines[0]).not.toMatch(/^m=message 0 /);
      expect(mlines[1]).toMatch(/^m=message 0 TCP\/MSRP/);
      const oldIds = attr(offer?.body ?? '', 'file-transfer-id');
      const newIds = attr(reoffer?.body ?? '', 'file-transfer-id');
      expect(oldIds).toHaveLength(2);
      expect(newIds[0]).toBeDefined();
      expect(oldIds).not.toContain(newIds[0]);
      expect(attr(reoffer?.body ?? '', 'file-selector')[0]).toMatch(/^name:"c\.txt"/);
      expect(received(log, 'ACK')).toHaveLength(2);
      expect(received(log, 'BYE')).toHaveLength(1);
      countWhenPassed('interop', 1);
    });

    it.each([[488, 'Not Acceptable Here'], [603, 'Decline']] as const)('a %i from sipp fails the file with that status and opens no MSRP', async (code, reason) => {
      const dir = await outbox();
      const file = join(dir, 'refused.txt');
      await writeTestFile(file, 10_000);
      const uas = await startSipp({ scenario: `uas-reject-${code}.xml`, transport, recvTimeoutMs: 8000 });
      await uas.ready();
      const logs: LogEvent[] = [];
      const sender = await client(transport, logs);
      const failed: Array<{ status?: number; source: string }> = [];
      const transfer = sender.send({ kind: 'one-recipient', uri: target(uas.port, transport) }, [file]);
      transfer.on('file-failed', (r) => failed.push(r.failure));
      const summary = await transfer.done;
      const result = await uas.done;

      expect(result.exitCode, result.errors).toBe(SippExit.allCallsSucceeded);
      expect(summary.ok).toBe(false);
      expect(failed).toEqual([expect.objectContaining({ source: 'sip-response', status: code })]);
      expect(summary.files[0]?.failure?.message).toBe(`${code} ${reason}`);
      // Nothing was sent or received over MSRP: the session never got past the INVITE.
      expect(logs.filter((e) => e.kind === 'msrp')).toEqual([]);
      // RFC 3261 §17.1.1.3: the non-2xx final response is acknowledged by the client transaction.
      expect(received(sippMessages(result.messages), 'ACK')).toHaveLength(1);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await assertNoLeakedHandles(before, 2000);
      countWhenPassed('interop', 1);
    });

    it('a sipp that never answers: the INVITE times out (Timer B with a small T1), the file fails with 408', async () => {
      const dir = await outbox();
      const file = join(dir, 'unanswered.txt');
      await writeTestFile(file, 1000);
      const uas = await startSipp({ scenario: 'uas-no-answer.xml', transport, pauseMs: 4000, timeoutMs: 8000 });
      await uas.ready();
      const logs: LogEvent[] = [];
      // createClient has no SIP timer option, so the same composition is built with T1 = 25 ms:
      // Timer B = 64*T1 = 1.6 s (RFC 3261 §17.1.1.2).
      const stack = await buildSenderStack({ transport, timers: { T1: 25 }, log: (e) => logs.push(e) });
      cleanups.push(() => stack.close());
      const started = Date.now();
      const transfer = stack.sender.send({ kind: 'one-recipient', uri: target(uas.port, transport) }, [file]);
      const summary = await transfer.done;
      const elapsed = Date.now() - started;
      await uas.stop();

      expect(summary.ok).toBe(false);
      expect(summary.files[0]?.failure).toMatchObject({ source: 'timeout', status: 408 });
      expect(elapsed).toBeLessThan(5000);
      expect(logs.filter((e) => e.kind === 'msrp')).toEqual([]);
      const sent = logs.filter((e) => e.kind === 'sip' && e.direction === 'sent').map((e) => e['method']);
      // Over UDP the INVITE is retransmitted (Timer A); over TCP it is sent once (§17.1.1.2).
      if (transport === 'udp') expect(sent.filter((m) => m === 'INVITE').length).toBeGreaterThan(1);
      else expect(sent).toEqual(['INVITE']);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await assertNoLeakedHandles(before, 2000);
      countWhenPassed('interop', 1);
    });
  });
});
