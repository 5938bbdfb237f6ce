// A failure REPORT that arrives after the last chunk's 200 (RFC 4975 §7.1.2 allows it) with
// Success-Report off: the sender waits a short grace period before clause 7.6.1 step 4, so the
// file is reported failed through rule 7.6.1-5 (failure-report-received) instead of as delivered.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileTransferSender,
  MsrpEndpoint,
  cpmContactParams,
  createUdpTransport,
  createUserAgent,
} from '../../runtime/index.ts';
import { createScriptedPeer, type ScriptedPeerScript } from '../../runtime/testing/conformance/index.ts';
import { fileTransferProcedures } from '../../src/procedures.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../helpers/active-handles.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';

let before: HandleSnapshot;
beforeEach(async () => { before = await snapshotHandles(); });
afterEach(async () => { await assertNoLeakedHandles(before, 2000); });

async function sendAgainstScript(script: ScriptedPeerScript, reportGraceMs?: number) {
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-late-report-'));
  const peer = await createScriptedPeer({ transport: 'UDP', script });
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams() });
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1' });
  const sender = new FileTransferSender({ ua, endpoint, procedures: fileTransferProcedures, waitTimeoutMs: 3000, ...(reportGraceMs !== undefined ? { reportGraceMs } : {}) });
  try {
    const path = join(dir, 'late.bin');
    await writeFile(path, randomBytes(3000));
    const transfer = sender.send({ kind: 'one-recipient', uri: peer.uris.recipient }, [path]);
    const failed: Array<{ source: string; status: number | undefined; message: string }> = [];
    const completed: string[] = [];
    transfer.on('file-failed', (f) => failed.push({ source: f.failure.source, status: f.failure.status, message: f.failure.message }));
    transfer.on('file-complete', (f) => completed.push(f.name));
    const summary = await transfer.done;
    return { summary, failed, completed, record: peer.record };
  } finally {
    await sender.close();
    ua.close();
    await transport.close();
    await endpoint.close();
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('late failure REPORT', () => {
  it('a failure REPORT after the last 200 fails the file through rule 7.6.1-5, before the BYE [7.6.1-5]', async () => {
    const { summary, failed, completed, record } = await sendAgainstScript({ files: { 'late.bin': { failureReport: 415, failureReportTiming: 'after-response' } } });
    expect(summary.ok).toBe(false);
    expect(completed).toEqual([]);
    expect(failed).toEqual([{ source: 'failure-report', status: 415, message: expect.stringMatching(/failure REPORT 415.*after the last 200/) }]);
    // The generated handler for failure-report-received decided that the user is told.
    expect(summary.decisions.map((d) => d.action)).toContain('indicate-transfer-failed');
    const indicate = summary.decisions.find((d) => d.action === 'indicate-transfer-failed');
    expect(indicate?.rule).toMatch(/^7\.6\.1-5/);
    // Order on the wire: last 200, then the REPORT, and only then the session is released.
    const order = record.entries.filter((e) => (e.protocol === 'msrp' && e.from === 'peer') || (e.protocol === 'sip' && e.kind === 'request' && e.method === 'BYE'))
      .map((e) => (e.protocol === 'msrp' ? (e.kind === 'request' ? e.method : e.status) : 'BYE'));
    expect(order.slice(-3)).toEqual([200, 'REPORT', 'BYE']);
    countWhenPassed('faults', 1);
  });

  it('without a failure REPORT the file is delivered once the grace period is over', async () => {
    const started = Date.now();
    const { summary, failed, completed } = await sendAgainstScript({}, 150);
    expect(summary.ok).toBe(true);
    expect(failed).toEqual([]);
    expect(completed).toEqual(['late.bin']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('a grace period of 0 trusts the 200 alone (the earlier behaviour)', async () => {
    const { summary, completed } = await sendAgainstScript({ files: { 'late.bin': { failureReport: 415, failureReportTiming: 'after-response' } } }, 0);
    expect(summary.ok).toBe(true);
    expect(completed).toEqual(['late.bin']);
  });
});
