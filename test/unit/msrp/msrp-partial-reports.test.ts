// Failure-Report: partial with Success-Report: yes (the tuned data path toward cpm-ft peers,
// runtime/transfer/peer-data-path.ts): the receiver answers no 200s, reports the prefix it holds
// in progress REPORTs and the whole message in a final one; the sender counts reported bytes as
// acknowledged and still learns about an error response that comes after its last chunk.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSink } from '../../../runtime/msrp/incoming-message.ts';
import { PROGRESS_REPORT_BYTES, PROGRESS_REPORT_INTERVAL_MS, PROGRESS_REPORT_MIN_BYTES } from '../../../runtime/msrp/msrp-session.ts';
import { createFakeClock } from '../../../runtime/clock.ts';
import { MessageRefusedError } from '../../../runtime/msrp/incoming-message.ts';
import type { MsrpReport, MsrpStatusError } from '../../../runtime/msrp/outgoing-message.ts';
import { connected, memorySink, patterned, pieces } from './helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function setup(...args: Parameters<typeof connected>) {
  const p = await connected(...args);
  cleanups.push(p.close);
  return p;
}

describe('Failure-Report: partial with success reports', () => {
  it('reports the received prefix as it grows, then the whole message once; the sender counts it as acknowledged', async () => {
    const size = 5 * PROGRESS_REPORT_BYTES + 12_345;
    const got = memorySink(size);
    // The receiver's time stands still: a fast path, so progress REPORTs go by bytes alone.
    const { active } = await setup({ clock: createFakeClock(), delegate: { onMessageStart: () => got.sink } });
    const source = patterned(size);
    const reports: MsrpReport[] = [];
    let finalReport!: () => void;
    const final = new Promise<void>((r) => { finalReport = r; });
    const msg = active.send(pieces(source, 100_000), {
      size, contentType: 'application/octet-stream', failureReport: 'partial', successReport: true, chunkSize: 256 * 1024,
      onReport: (r) => { reports.push(r); if (r.byteRange?.end === size) finalReport(); },
    });
    await msg.done;
    await final;
    expect(await got.ended).toBe('$');
    expect(got.data.equals(source)).toBe(true);
    const ends = reports.map((r) => r.byteRange?.end as number);
    // Every REPORT is a success for a prefix starting at byte 1, each further than the last,
    // progress ones at least PROGRESS_REPORT_BYTES apart, and exactly one for the whole message.
    expect(reports.every((r) => r.status?.code === 200 && r.byteRange?.start === 1 && r.byteRange.total === size)).toBe(true);
    expect(ends.filter((e) => e === size)).toHaveLength(1);
    expect(ends.at(-1)).toBe(size);
    const progress = ends.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.length).toBeLessThanOrEqual(5);
    for (let i = 0; i < progress.length; i++) expect(progress[i]! - (progress[i - 1] ?? 0)).toBeGreaterThanOrEqual(PROGRESS_REPORT_BYTES);
    expect(msg.bytesAcknowledged).toBe(size);
    // Chunks inside a reported prefix are no longer listened to; the rest go with forgetTransactions().
    const chunks = Math.ceil(size / (256 * 1024));
    const awaited = active.connection?.awaitedResponses ?? -1;
    expect(awaited).toBeGreaterThan(0);
    expect(awaited).toBeLessThanOrEqual(chunks - Math.floor(progress.at(-1)! / (256 * 1024)));
    msg.forgetTransactions();
    expect(active.connection?.awaitedResponses).toBe(0);
  });

  it('on a slow path reports smaller steps once the interval passed, never less than the minimum apart', async () => {
    const size = 2 * PROGRESS_REPORT_BYTES;
    const clock = createFakeClock();
    const data = Buffer.alloc(size);
    let nextTick = PROGRESS_REPORT_MIN_BYTES / 2;
    let ended!: () => void;
    const end = new Promise<void>((r) => { ended = r; });
    // Each half MiB that arrives takes half the interval: a MiB per interval, a quarter of the byte step.
    const sink: MessageSink = {
      write(position, chunk) {
        chunk.copy(data, position - 1);
        for (; position - 1 + chunk.length >= nextTick; nextTick += PROGRESS_REPORT_MIN_BYTES / 2) clock.advance(PROGRESS_REPORT_INTERVAL_MS / 2);
      },
      end() { ended(); },
    };
    const { active } = await setup({ clock, delegate: { onMessageStart: () => sink } });
    const reports: MsrpReport[] = [];
    let finalReport!: () => void;
    const final = new Promise<void>((r) => { finalReport = r; });
    const source = patterned(size);
    const msg = active.send(pieces(source, 100_000), {
      size, contentType: 'application/octet-stream', failureReport: 'partial', successReport: true, chunkSize: 256 * 1024,
      onReport: (r) => { reports.push(r); if (r.byteRange?.end === size) finalReport(); },
    });
    await msg.done;
    await final;
    await end;
    expect(data.equals(source)).toBe(true);
    const progress = reports.map((r) => r.byteRange?.end as number).slice(0, -1);
    // By bytes alone there would be one progress REPORT (at 4 MiB); by time there is about one per MiB.
    expect(progress.length).toBeGreaterThanOrEqual(PROGRESS_REPORT_BYTES / PROGRESS_REPORT_MIN_BYTES);
    for (let i = 0; i < progress.length; i++) expect(progress[i]! - (progress[i - 1] ?? 0)).toBeGreaterThanOrEqual(PROGRESS_REPORT_MIN_BYTES);
  });

  it('sends no progress REPORT to a sender that asked for none (Failure-Report: yes keeps its 200s)', async () => {
    const size = 3 * PROGRESS_REPORT_BYTES;
    const got = memorySink(size);
    const { active } = await setup({ delegate: { onMessageStart: () => got.sink } });
    const reports: MsrpReport[] = [];
    let finalReport!: () => void;
    const final = new Promise<void>((r) => { finalReport = r; });
    const msg = active.send(pieces(patterned(size), 65_536), {
      size, contentType: 'application/octet-stream', successReport: true, chunkSize: 64 * 1024,
      onReport: (r) => { reports.push(r); finalReport(); },
    });
    await msg.done;
    await final;
    expect(reports.map((r) => r.byteRange?.end)).toEqual([size]);
    expect(msg.bytesAcknowledged).toBe(size);
  });

  it('an error response for the last chunk, after every chunk was written, reaches the sender', async () => {
    const size = 300_000;
    // The sink refuses the message at its last byte, as the file receiver does on a hash mismatch.
    const sink: MessageSink = {
      write: (position, chunk) => {
        if (position + chunk.length - 1 === size) return Promise.reject(new MessageRefusedError(415, 'hash mismatch'));
        return undefined;
      },
      end: () => {},
    };
    const { active } = await setup({ delegate: { onMessageStart: () => sink } });
    let late!: (e: MsrpStatusError) => void;
    const lateError = new Promise<MsrpStatusError>((r) => { late = r; });
    const reports: MsrpReport[] = [];
    const msg = active.send(pieces(patterned(size), 50_000), {
      size, contentType: 'application/octet-stream', failureReport: 'partial', successReport: true, chunkSize: 64 * 1024,
      onReport: (r) => reports.push(r), onLateError: (e) => late(e),
    });
    // Under partial the message is sent once written; the refusal comes afterwards.
    await msg.done;
    const error = await lateError;
    expect(error.status).toBe(415);
    expect(error.message).toContain('hash mismatch');
    expect(reports.filter((r) => r.byteRange?.end === size)).toEqual([]);
    msg.forgetTransactions();
  });

  it('a peer that stops reading without closing fails the message with a local 408 instead of holding it', async () => {
    // The sink never lets go: the receiving session pauses its socket for good, TCP fills up and
    // nothing answers (Failure-Report: partial has no per-chunk timers).
    const stuck: MessageSink = { write: () => new Promise<void>(() => {}), end: () => {} };
    const { active } = await setup({ delegate: { onMessageStart: () => stuck } });
    const size = 256 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    function* body(): Generator<Buffer> { for (let i = 0; i < size / chunk.length; i++) yield chunk; }
    const msg = active.send(body(), {
      size, contentType: 'application/octet-stream', failureReport: 'partial', successReport: true, chunkSize: 256 * 1024, transactionTimeoutMs: 300,
    });
    await expect(msg.done).rejects.toMatchObject({ status: 408 });
    expect(msg.bytesSent).toBeLessThan(size);
  });
});
