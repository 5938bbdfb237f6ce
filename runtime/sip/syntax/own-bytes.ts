// SIP message bodies in memory of their own, never a slice of node's shared 8 KiB Buffer pool.
//
// Why: Buffer.from() of anything under 4 KiB (an SDP offer or answer) is carved out of a shared
// pool slab, and one live slice keeps the whole 8 KiB slab alive. Bodies live as long as their
// transaction: RFC 3261 §17.2.2 Timer J and RFC 6026 Timers L and M hold a finished transaction,
// with its request and last response, for 64*T1 = 32 s so that retransmissions are absorbed or
// answered. Each held body pinned a slab that was otherwise filled with short-lived buffers
// (serialized messages already sent): the rate bench saw ~8 KB of ArrayBuffer memory per session
// stay alive for those 32 s, on top of the transaction objects themselves.

const EMPTY = Buffer.alloc(0);

/** A copy of `bytes` (or of `text` as UTF-8) in its own ArrayBuffer. */
export function ownBytes(source: Uint8Array | string): Buffer {
  if (typeof source === 'string') {
    const length = Buffer.byteLength(source, 'utf8');
    if (length === 0) return EMPTY;
    const out = Buffer.allocUnsafeSlow(length);
    out.write(source, 0, 'utf8');
    return out;
  }
  if (source.length === 0) return EMPTY;
  const out = Buffer.allocUnsafeSlow(source.length);
  out.set(source);
  return out;
}

/** `bytes` itself when it spans its whole ArrayBuffer, else a copy in memory of its own. */
export function unshared(bytes: Buffer): Buffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : ownBytes(bytes);
}
