// The SIP stream framer must do work linear in the bytes received, however the peer cuts them.
// The search for the blank line is counted (every byte findHeaderEnd looks at), so the property is
// checked by counting, not by timing (the quadratic framer rescanned the whole buffer on each of the
// ~15,600 reads of the 250 KB case).
import { describe, expect, it, vi } from 'vitest';

const scan = vi.hoisted(() => ({ bytes: 0 }));

vi.mock('../../runtime/sip/syntax/parse-message.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../runtime/sip/syntax/parse-message.ts')>();
  return {
    ...original,
    findHeaderEnd: (buf: Buffer, from = 0) => {
      const end = original.findHeaderEnd(buf, from);
      scan.bytes += (end === undefined ? buf.length : end.headerEnd + 1) - from;
      return end;
    },
  };
});

// Workers run test files one after another in one module cache (vitest.config.ts: isolate false), so
// an earlier file may have loaded the framer with the real parser: start from an empty cache, so the
// framer imported here is bound to the counting findHeaderEnd above.
vi.resetModules();
const { SipStreamFramer } = await import('../../runtime/sip/syntax/sip-stream-framer.ts');

const drip = (framer: InstanceType<typeof SipStreamFramer>, bytes: Buffer, size: number) => {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...framer.push(bytes.subarray(i, i + size)));
  return out;
};

const message = (extra: string, body = ''): Buffer =>
  Buffer.from(
    `OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );

describe('SipStreamFramer: linear work for small reads', () => {
  it('a 250 KB header section in 16-byte reads is scanned about once and then rejected by the parser', () => {
    scan.bytes = 0;
    const framer = new SipStreamFramer();
    const wire = message(`X-A: ${'a'.repeat(250_000)}\r\n`);
    const out = drip(framer, wire, 16);
    // The count is real (the framer calls the counting findHeaderEnd), and each read rescans at most
    // the 3 bytes before it (a terminator may straddle two reads).
    expect(scan.bytes).toBeGreaterThanOrEqual(250_000);
    expect(scan.bytes).toBeLessThanOrEqual(wire.length + 3 * Math.ceil(wire.length / 16));
    expect(out).toHaveLength(1);
    expect(out[0]!.fatal).toBe(false);
    expect(!out[0]!.result.ok && out[0]!.result.error.code).toBe('ERR_SIP_HEADER_TOO_LONG');
    expect(out[0]!.raw.equals(wire)).toBe(true);
    expect(framer.buffered).toBe(0);
  });

  it('an unterminated header section past the size limit in 16-byte reads fails fatally after linear work', () => {
    scan.bytes = 0;
    const framer = new SipStreamFramer();
    const wire = Buffer.from(`OPTIONS sip:x SIP/2.0\r\nX-A: ${'a'.repeat(300_000)}`);
    const out = drip(framer, wire, 16);
    expect(scan.bytes).toBeGreaterThanOrEqual(256 * 1024);
    expect(scan.bytes).toBeLessThanOrEqual(wire.length + 3 * Math.ceil(wire.length / 16));
    expect(out).toHaveLength(1);
    expect(out[0]!.fatal).toBe(true);
    expect(!out[0]!.result.ok && out[0]!.result.error.code).toBe('ERR_SIP_MESSAGE_TOO_LARGE');
    // The limit is checked on every read, so at most one read beyond it is held.
    expect(out[0]!.raw.length).toBeLessThanOrEqual(256 * 1024 + 16);
    expect(framer.push(message(''))).toEqual([]);
  });

  it('a large body in 16-byte reads does not rescan the header section', () => {
    scan.bytes = 0;
    const framer = new SipStreamFramer();
    const body = 'b'.repeat(150_000);
    const wire = message('', body);
    const out = drip(framer, wire, 16);
    expect(scan.bytes).toBeGreaterThanOrEqual(wire.length - body.length - 4);
    expect(scan.bytes).toBeLessThanOrEqual(wire.length - body.length + 3 * Math.ceil(wire.length / 16));
    expect(out).toHaveLength(1);
    expect(out[0]!.result.ok && out[0]!.result.value.body.toString()).toBe(body);
  });

  it('a terminator cut anywhere across reads is still found (CRLF and bare LF, keep-alives between)', () => {
    for (const wire of [
      Buffer.concat([Buffer.from('\r\n\r\n'), message('', 'hi'), Buffer.from('\r\n'), message('Subject: x\r\n')]),
      Buffer.from(message('', 'hi').toString().replaceAll('\r\n', '\n')),
    ]) {
      const expected = wire.includes('\r\n') ? 2 : 1;
      for (let a = 0; a <= wire.length; a++) {
        for (const b of [a + 1, a + 2, a + 3, wire.length]) {
          const framer = new SipStreamFramer();
          const out = [wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)].flatMap((p) => framer.push(p));
          expect(out.map((o) => o.result.ok), `cut at ${a}/${b}`).toEqual(Array(expected).fill(true));
          expect(framer.buffered).toBe(0);
        }
      }
    }
  });
});
