// Receive-side errors reach the sender: a sink that refuses a chunk chooses the status and
// comment of the error response (RFC 4975 §7.2, §10), and a message whose end() fails after every
// chunk was answered 200 gets a failure REPORT (RFC 4975 §7.1.2) unless Failure-Report says no.

import { afterEach, describe, expect, it } from 'vitest';
import { MessageRefusedError, type MessageSink } from '../../../runtime/msrp/incoming-message.ts';
import { MsrpStatusError, type MsrpReport } from '../../../runtime/msrp/outgoing-message.ts';
import { connected, patterned } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function setup(sink: MessageSink) {
  const p = await connected({ delegate: { onMessageStart: () => sink } });
  cleanups.push(p.close);
  return p;
}

describe('MSRP receive-side refusals', () => {
  it('a chunk the sink refuses gets the sink\'s status and comment, and later chunks the same', async () => {
    let writes = 0;
    const { active } = await setup({
      write: () => { writes++; if (writes === 3) throw new MessageRefusedError(481, 'file transfer closed'); },
      end: () => {},
    });
    const message = active.send([patterned(10_000)], { size: 10_000, contentType: 'application/octet-stream', chunkSize: 1000, window: 1 });
    const error = await message.done.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MsrpStatusError);
    expect((error as MsrpStatusError).status).toBe(481);
    expect((error as MsrpStatusError).message).toMatch(/refused: 481 file transfer closed/);
    // Only what the receiver took is acknowledged.
    expect(message.bytesAcknowledged).toBe(2000);
  });

  it('a rejected write promise without a chosen status is answered 413 with a comment', async () => {
    const { active } = await setup({ write: () => Promise.reject(new Error('EIO')), end: () => {} });
    const message = active.send([patterned(3000)], { size: 3000, contentType: 'application/octet-stream', chunkSize: 1000, window: 1 });
    const error = await message.done.then(() => undefined, (e: unknown) => e);
    expect((error as MsrpStatusError).status).toBe(413);
    expect((error as MsrpStatusError).message).toMatch(/413 the receiver cannot take the message/);
    expect(message.bytesAcknowledged).toBe(0);
  });

  it('a failing end() sends a failure REPORT naming the cause over the whole message', async () => {
    const { active } = await setup({ write: () => {}, end: (flag) => (flag === '$' ? Promise.reject(new MessageRefusedError(400, 'SHA-1 does not match the offer')) : undefined) });
    const reports: MsrpReport[] = [];
    const reported = new Promise<void>((resolve) => {
      active.send([patterned(2500)], { size: 2500, contentType: 'application/octet-stream', chunkSize: 1000, onReport: (r) => { reports.push(r); resolve(); } });
    });
    await reported;
    expect(reports).toEqual([{ messageId: expect.any(String), byteRange: { start: 1, end: 2500, total: 2500 }, status: { namespace: 0, code: 400, reason: 'SHA-1 does not match the offer' } }]);
  });

  it('Failure-Report: no gets no failure REPORT', async () => {
    let ended!: () => void;
    const endCalled = new Promise<void>((r) => { ended = r; });
    const { active } = await setup({ write: () => {}, end: () => { ended(); return Promise.reject(new MessageRefusedError(400, 'bad')); } });
    const reports: MsrpReport[] = [];
    active.send([patterned(500)], { size: 500, contentType: 'application/octet-stream', failureReport: 'no', onReport: (r) => reports.push(r) });
    await endCalled;
    await new Promise((r) => setTimeout(r, 100));
    expect(reports).toEqual([]);
  });
});
