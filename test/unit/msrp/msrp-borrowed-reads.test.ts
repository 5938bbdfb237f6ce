// Reads into one reused buffer (runtime/msrp/reused-read-buffer.ts): the parser copies what it
// keeps across reads, and the session copies the body for sinks that may keep it, so nothing
// is corrupted when the next read overwrites the buffer.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSink } from '../../../runtime/msrp/incoming-message.ts';
import { MsrpParser, type ContinuationFlag, type MsrpHead } from '../../../runtime/msrp/syntax/msrp-parser.ts';
import { connected, patterned, pieces } from './helpers.ts';

const corpus = (name: string) => readFileSync(new URL(`../../corpus/msrp/${name}`, import.meta.url));

/** Feeds `wire` in pieces of `step` bytes through ONE buffer, scribbled over after each feed. */
function parseThroughReusedBuffer(wire: Buffer, step: number) {
  const reused = Buffer.alloc(step);
  const messages: Array<{ head: MsrpHead; body: Buffer; flag: ContinuationFlag }> = [];
  let current: { head: MsrpHead; parts: Buffer[] } | undefined;
  const parser = new MsrpParser({
    head: (head) => { current = { head, parts: [] }; },
    // A consumer that uses the slice during the call only, as the borrowed contract allows.
    body: (data) => { current?.parts.push(Buffer.from(data)); },
    end: (flag) => { if (current) messages.push({ head: current.head, body: Buffer.concat(current.parts), flag }); current = undefined; },
  });
  for (let i = 0; i < wire.length; i += step) {
    const n = wire.copy(reused, 0, i, Math.min(wire.length, i + step));
    const r = parser.feed(reused.subarray(0, n), true);
    expect(r.ok).toBe(true);
    reused.fill(0x2d); // dashes: the worst garbage for an end-line scanner
  }
  return messages;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

describe('borrowed reads', () => {
  it('the parser keeps its own copy of a header line and an end-line prefix split across reads', () => {
    const wire = corpus('send-interrupted-dashes.msrp');
    for (let step = 1; step <= wire.length; step++) {
      const messages = parseThroughReusedBuffer(wire, step);
      expect(messages, `step ${step}`).toHaveLength(1);
      expect(messages[0]!.body.toString('latin1')).toBe('abc-------d93kswo-------d93kswowX\r\n-------d93kswox$\r\n\r\n--');
      expect(messages[0]!.flag).toBe('+');
      const head = messages[0]!.head;
      expect(head.kind === 'request' && head.transactionId).toBe('d93kswow');
    }
  });

  it('a sink that keeps the chunks it is given gets copies on a connection we dialled', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const kept: Array<{ at: number; data: Buffer }> = [];
    let ended!: () => void;
    const done = new Promise<void>((r) => { ended = r; });
    // No consumesSynchronously: it holds on to every buffer it was handed.
    const keeping: MessageSink = { write: (at, data) => { kept.push({ at, data }); }, end: () => ended() };
    const { active, passive } = await connected({}, { delegate: { onMessageStart: () => keeping } });
    cleanups.push(async () => { active.close(); passive.close(); });
    // The active side dialled, so its connection reads into a reused buffer.
    expect(active.connection?.borrowsReads).toBe(true);
    expect(passive.connection?.borrowsReads).toBe(false);
    const source = patterned(size);
    const msg = passive.send(pieces(source, 100_000), { size, contentType: 'application/octet-stream', chunkSize: 256 * 1024 });
    await msg.done;
    await done;
    const got = Buffer.alloc(size);
    for (const { at, data } of kept) data.copy(got, at - 1);
    expect(got.equals(source)).toBe(true);
  });
});
