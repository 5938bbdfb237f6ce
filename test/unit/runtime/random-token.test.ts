import { describe, expect, it } from 'vitest';
import { randomBase64url, randomHex } from '../../../runtime/random-token.ts';

// The pool hands out slices of one 4 KiB buffer; these draw far more than that, so they cross
// several refills and would catch a slice handed out twice or a refill that kept old bytes.
describe('random tokens from the pooled CSPRNG buffer', () => {
  it('gives hex of two characters per byte, all distinct across refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const token = randomHex(10);
      expect(token).toMatch(/^[0-9a-f]{20}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(3000);
  });

  it('gives unpadded base64url that decodes to the asked number of bytes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const token = randomBase64url(15);
      expect(token).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(15);
      seen.add(token);
    }
    expect(seen.size).toBe(1000);
  });

  it('serves a request larger than the pool straight from the CSPRNG', () => {
    const a = randomHex(5000);
    const b = randomHex(5000);
    expect(a).toHaveLength(10_000);
    expect(a).not.toBe(b);
  });

  it('does not repeat the bytes of consecutive tokens (no slice handed out twice)', () => {
    // Consecutive 1-byte tokens from one refill, concatenated, are the pool's bytes in order;
    // two 8-byte tokens taken right after must differ from every earlier 8-byte window.
    const before = Array.from({ length: 64 }, () => randomHex(1)).join('');
    const next = randomHex(8);
    expect(before.includes(next)).toBe(false);
  });
});
