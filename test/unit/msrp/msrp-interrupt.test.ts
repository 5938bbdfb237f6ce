// A cancelled message ends with a '#' chunk (RFC 4975 §7.1) written after the chunks already queued
// and before anything else of it; OutgoingMessage.interrupt / MsrpSession.interrupt resolve only
// once the receiver answered that chunk (or could not), and closeGracefully ends the connection
// without a reset, so a BYE sent after them follows the interruption on the wire.
import { afterEach, describe, expect, it } from 'vitest';
import type { CpmError } from '../../../runtime/errors.ts';
import type { MessageSink } from '../../../runtime/msrp/incoming-message.ts';
import { connected, memorySink, patterned, pieces } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

/** A receiving sink that holds its first write until released, so the sender stops mid-message. */
function holdingSink() {
  const events: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  let held = false;
  let sawFirst!: () => void;
  const first = new Promise<void>((r) => { sawFirst = r; });
  let bytes = 0;
  const sink: MessageSink = {
    write(_position, chunk) {
      bytes += chunk.length;
      events.push('data');
      if (held) return undefined;
      held = true;
      sawFirst();
      return released;
    },
    end(flag) { events.push(`end ${flag}`); },
  };
  return { sink, events, release, first, get bytes() { return bytes; } };
}

describe('interrupting an MSRP message', () => {
  it("ends it with '#' after the queued chunks, sends nothing of it after, and resolves once the '#' is answered", async () => {
    const size = 24 * 1024 * 1024;
    const held = holdingSink();
    const p = await connected({ delegate: { onMessageStart: () => held.sink } });
    cleanups.push(p.close);
    const message = p.active.send(pieces(Buffer.alloc(size, 0x61), 1024 * 1024), { size, contentType: 'application/octet-stream', chunkSize: 64 * 1024 });
    await held.first;
    const interrupted = p.active.interrupt(5000).then(() => held.events.push('interrupt resolved'));
    held.release();
    await interrupted;
    await expect(message.done).rejects.toMatchObject({ code: 'ERR_MSRP_ABORTED' });
    // The receiver read every queued chunk, then the '#', and answered it before interrupt() resolved.
    expect(held.events.slice(-2)).toEqual(['end #', 'interrupt resolved']);
    expect(held.events.filter((e) => e.startsWith('end'))).toEqual(['end #']);
    expect(held.bytes).toBeGreaterThan(0);
    expect(held.bytes).toBeLessThan(size);
    // Nothing more of the message goes once it is interrupted.
    const after = held.bytes;
    await new Promise((r) => setTimeout(r, 50));
    expect(held.bytes).toBe(after);
  });

  it('does not wait beyond its bound for a receiver that never reads the interruption', async () => {
    const size = 24 * 1024 * 1024;
    // This sink never releases: the receiver stops reading for good.
    const held = holdingSink();
    const p = await connected({ delegate: { onMessageStart: () => held.sink } });
    cleanups.push(p.close);
    p.active.send(pieces(Buffer.alloc(size, 0x61), 1024 * 1024), { size, contentType: 'application/octet-stream', chunkSize: 64 * 1024 });
    await held.first;
    const started = Date.now();
    await p.active.interrupt(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(held.events).not.toContain('end #');
    held.release();
  });

  it('resolves at once when nothing is in progress', async () => {
    const got = memorySink(5);
    const p = await connected({ delegate: { onMessageStart: () => got.sink } });
    cleanups.push(p.close);
    const done = p.active.send([Buffer.from('hello')], { size: 5, contentType: 'text/plain' });
    await done.done;
    await p.active.interrupt(60_000);
  });

  it('closeGracefully ends the connection after its bytes, and the peer sees an orderly close, not a reset', async () => {
    let peerClose: CpmError | undefined;
    const got: Buffer[] = [];
    const sink: MessageSink = { write: (_position, chunk) => { got.push(Buffer.from(chunk)); }, end: () => undefined };
    const p = await connected({ delegate: { onMessageStart: () => sink, onClose: (error) => { peerClose = error; } } });
    cleanups.push(p.close);
    const message = p.active.send([patterned(200_000)], { size: 200_000, contentType: 'application/octet-stream', chunkSize: 50_000 });
    await message.done;
    const connection = p.active.connection;
    await p.active.closeGracefully();
    expect(connection?.socket.closed).toBe(true);
    for (let i = 0; i < 100 && peerClose === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(peerClose?.code).toBe('ERR_MSRP_CONNECTION_CLOSED');
    expect(Buffer.concat(got).length).toBe(200_000);
  });
});
