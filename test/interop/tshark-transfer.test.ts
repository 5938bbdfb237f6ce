// Wireshark as an independent judge of what cpm-ft puts on the wire: complete transfers between two
// real clients on loopback are captured with tshark (decode-as for our ephemeral ports) and must come
// out with no SIP/SDP packet marked malformed or flagged by an expert warning/error, and with every
// MSRP request and response decoding with its start line and headers. Files are text, so MSRP SEND
// bodies never confuse the dissector.
import { afterEach, expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectClient } from '../../src/client.ts';
import { listDir, markHandles, sha1Of, startPair } from '../e2e/transfer-harness.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { msrpHeader } from '../helpers/msrp-stream-splitter.ts';
import { startCapture, type CaptureSummary, type DecodeAs, type SdpMediaSummary } from '../helpers/tshark-capture.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { textContent } from './text-content.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killTrackedChildren();
});

interface Captured {
  /** What the receiver's folder held before the pair was closed (and its folders removed). */
  readonly inbox: readonly string[];
  readonly summary: CaptureSummary;
  readonly ok: boolean;
  readonly files: readonly string[];
}

/** Runs `batches` from sender to receiver under a tshark capture of all four ports. */
async function capturedTransfer(transport: 'udp' | 'tcp', batches: ReadonlyArray<ReadonlyArray<{ name: string; size: number }>>): Promise<Captured> {
  await markHandles();
  // Small chunks: several SEND chunks per file, so chunk framing (+ then $) is on the wire too.
  const pair = await startPair(transport, { sender: { chunkSize: 4096 } });
  let closed = false;
  cleanups.push(async () => { if (!closed) await pair.close(); });
  const msrpPorts = [inspectClient(pair.sender)?.endpoint.port, inspectClient(pair.receiver)?.endpoint.port].filter((p): p is number => p !== undefined);
  expect(msrpPorts).toHaveLength(2);
  const sipPorts = [pair.sender.sipAddress.port, pair.receiver.sipAddress.port];
  const capture = await startCapture({ ports: [...sipPorts, ...msrpPorts] });
  cleanups.push(() => capture.dispose());

  const paths = batches.map((batch) => batch.map((f) => join(pair.outbox, f.name)));
  for (const [b, batch] of batches.entries()) {
    for (const [i, f] of batch.entries()) await writeFile(paths[b]?.[i] as string, textContent(f.size, b * 1000 + i * 100));
  }
  const [first = [], ...rest] = paths;
  const transfer = pair.sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, first);
  for (const batch of rest) transfer.queue(batch);
  const result = await transfer.done;
  await pair.sessionEnd();
  const decodeAs: DecodeAs = transport === 'udp' ? { udpSip: sipPorts, tcpMsrp: msrpPorts } : { tcpSip: sipPorts, tcpMsrp: msrpPorts };
  const summary = await capture.decode(decodeAs);
  for (const f of paths.flat()) expect(await sha1Of(join(pair.inbox, f.split('/').pop() as string))).toBe(await sha1Of(f));
  const inbox = await listDir(pair.inbox);
  closed = true;
  await pair.close();
  return { inbox, summary, ok: result.ok, files: paths.flat() };
}

/** The checks every capture must pass, whatever the scenario. */
function expectCleanCapture(summary: CaptureSummary): void {
  expect(summary.sip.length).toBeGreaterThan(0);
  // Stricter than SIP/SDP alone: nothing in the capture (MSRP included) is malformed or flagged.
  expect(summary.malformed).toEqual([]);
  // TCP's own expert notes (D-SACK, retransmissions) describe the kernel's loss recovery on a busy
  // loopback, not our messages; every SIP, SDP and MSRP expert note still fails the check.
  expect(summary.expert.filter((e) => e.protocol !== 'tcp')).toEqual([]);
  // RFC 4975 §7.1 / §7.2: every request has a transaction id, a method, To-Path and From-Path;
  // every response a status; our splitter found the end-line of each one.
  expect(summary.msrp.length).toBeGreaterThan(0);
  for (const m of summary.msrp) {
    expect(m.tid).toMatch(/^[A-Za-z0-9][A-Za-z0-9.+%=-]{3,31}$/);
    if (m.kind === 'request') expect(m.method).toMatch(/^(SEND|REPORT)$/);
    else expect(m.status).toBeTypeOf('number');
    expect(msrpHeader(m, 'To-Path')).toMatch(/^msrp:\/\//);
    expect(msrpHeader(m, 'From-Path')).toMatch(/^msrp:\/\//);
  }
  // tshark's own MSRP dissector agrees on the first message of each segment that starts one.
  const decodedByTshark = summary.frames.filter((f) => f.tsharkMsrp?.tid !== undefined);
  expect(decodedByTshark.length).toBeGreaterThan(0);
  const tids = new Set(summary.msrp.map((m) => m.tid));
  for (const f of decodedByTshark) expect(tids.has(f.tsharkMsrp?.tid ?? '')).toBe(true);
}

const attribute = (media: SdpMediaSummary | undefined, name: string): string | undefined =>
  media?.attributes.find((a) => a.name === name)?.value;

describeWithPeers(['tshark'], 'tshark judges complete cpm-ft transfers', () => {
  it('UDP SIP: two files in one INVITE, a re-INVITE reusing m-line 1 with port 0 on m-line 2, BYE [7.6.1-3] [7.6.1-4.b.ii]', async () => {
    const { summary, ok, files, inbox } = await capturedTransfer('udp', [
      [{ name: 'first.txt', size: 30_000 }, { name: 'second.txt', size: 12_345 }],
      [{ name: 'third.txt', size: 20_000 }],
    ]);
    expect(ok).toBe(true);
    expect(files).toHaveLength(3);
    expect(inbox).toEqual(['first.txt', 'second.txt', 'third.txt']);
    expectCleanCapture(summary);

    const requests = summary.sip.filter((m) => m.kind === 'request').map((m) => m.method);
    expect(requests).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
    const [offer, reoffer] = summary.sip.filter((m) => m.method === 'INVITE');
    expect(offer?.sdp?.media).toHaveLength(2);
    for (const media of offer?.sdp?.media ?? []) {
      expect(media).toMatchObject({ media: 'message', proto: 'TCP/MSRP', formats: ['*'] });
      expect(media.attributes).toContainEqual({ name: 'sendonly' });
    }
    // RFC 3264 §8.2 / RFC 5547 §8.4: the m-lines stay in place; the first carries the next file with
    // a new file-transfer-id, the second is closed with port 0.
    const [reused, closedLine] = reoffer?.sdp?.media ?? [];
    expect(reoffer?.sdp?.media).toHaveLength(2);
    expect(reused?.port).toBeGreaterThan(0);
    expect(attribute(reused, 'file-selector')).toMatch(/^name:"third\.txt"/);
    const oldIds = (offer?.sdp?.media ?? []).map((m) => attribute(m, 'file-transfer-id'));
    expect(attribute(reused, 'file-transfer-id')).toBeDefined();
    expect(oldIds).not.toContain(attribute(reused, 'file-transfer-id'));
    expect(closedLine).toMatchObject({ media: 'message', port: 0, proto: 'TCP/MSRP' });
    // Both INVITEs and the BYE share one dialog.
    expect(new Set(summary.sip.map((m) => m.callId)).size).toBe(1);
    const sends = summary.msrp.filter((m) => m.method === 'SEND' && m.bodyLength > 0);
    expect(sends.reduce((n, m) => n + m.bodyLength, 0)).toBe(30_000 + 12_345 + 20_000);
    countWhenPassed('interop', 1);
  });

  it('TCP SIP: a 1-1 single-file transfer', async () => {
    const { summary, ok, inbox } = await capturedTransfer('tcp', [[{ name: 'only.txt', size: 25_000 }]]);
    expect(ok).toBe(true);
    expect(inbox).toEqual(['only.txt']);
    expectCleanCapture(summary);
    expect(summary.frames.filter((f) => f.sip.length > 0).every((f) => f.transport === 'tcp')).toBe(true);
    expect(summary.sip.filter((m) => m.kind === 'request').map((m) => m.method)).toEqual(['INVITE', 'ACK', 'BYE']);
    const answer = summary.sip.find((m) => m.status === 200 && m.cseq?.method === 'INVITE');
    expect(answer?.sdp?.media[0]?.attributes).toContainEqual({ name: 'recvonly' });
    countWhenPassed('interop', 1);
  });
});
