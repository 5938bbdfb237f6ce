import { describe, expect, it } from 'vitest';
import { ownBytes, unshared } from '../../../runtime/sip/syntax/own-bytes.ts';
import { parseSipMessage } from '../../../runtime/sip/syntax/parse-message.ts';

// A body held by a transaction for 32 s must not be a slice of node's shared Buffer pool (it would
// keep a whole 8 KiB slab alive): each one spans an ArrayBuffer of its own.
const spansOwnMemory = (b: Buffer): boolean => b.byteOffset === 0 && b.buffer.byteLength === b.length;

describe('SIP bodies in memory of their own', () => {
  it('copies text and bytes out of the shared pool', () => {
    const pooled = Buffer.from('v=0\r\n');
    expect(spansOwnMemory(pooled)).toBe(false);
    const copy = ownBytes(pooled);
    expect(spansOwnMemory(copy)).toBe(true);
    expect(copy.toString()).toBe('v=0\r\n');
    const text = ownBytes('o=- 1 1 IN IP4 127.0.0.1 é');
    expect(spansOwnMemory(text)).toBe(true);
    expect(text.toString('utf8')).toBe('o=- 1 1 IN IP4 127.0.0.1 é');
    expect(ownBytes('')).toHaveLength(0);
  });

  it('keeps a buffer that already owns its memory and copies a shared one', () => {
    const own = Buffer.allocUnsafeSlow(16).fill(1);
    expect(unshared(own)).toBe(own);
    const slice = Buffer.from('abcdef').subarray(1, 3);
    const copied = unshared(slice);
    expect(copied).not.toBe(slice);
    expect(copied.toString()).toBe('bc');
    expect(spansOwnMemory(copied)).toBe(true);
  });

  it('gives a parsed message a body of its own, not a view of the datagram', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n';
    const datagram = Buffer.from(
      'INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n'
      + 'To: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\n'
      + `Content-Length: ${sdp.length}\r\n\r\n${sdp}`,
    );
    const parsed = parseSipMessage(datagram);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.value.body.toString()).toBe(sdp);
    expect(spansOwnMemory(parsed.value.body)).toBe(true);
    datagram.fill(0);
    expect(parsed.value.body.toString()).toBe(sdp);
  });
});
