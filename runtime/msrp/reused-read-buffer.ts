// Plain TCP connections we open read into one buffer of their own (node:net `onread`), reused
// for every read, instead of a fresh 64 KiB allocation per socket read. Bench (256 MiB, receiver
// connecting as RFC 6135 a=setup:active): those allocations die young but are only freed by the
// next scavenge, and the receiver's ArrayBuffer memory peaked at ~40 MB, most of it such garbage.
// A view into the buffer is valid only while the read callback runs; MsrpConnection tells the
// parser and the sessions (which copy for sinks that keep data) that the bytes are borrowed.

import type { Socket } from 'node:net';

/** Same size as Node's own per-read allocation; one per outgoing TCP connection. */
export const READ_BUFFER_BYTES = 64 * 1024;

/** Where the reads of one socket go: the connection once adopted, a queue of copies before. */
export class BorrowedReads {
  readonly buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  #target: ((view: Buffer) => void) | undefined;
  #early: Buffer[] = [];
  #socket: Socket | undefined;

  /**
   * With `onread` a socket emits no 'data'. Whoever still listens for it on this socket (a
   * diagnostic tap, a test counting bytes) gets each read as a copy, after the connection.
   */
  observe(socket: Socket): void {
    this.#socket = socket;
  }

  /** The `onread` option for node:net connect(). */
  get onread(): { buffer: Buffer; callback: (bytes: number, buffer: Uint8Array) => boolean } {
    return { buffer: this.buffer, callback: (bytes) => { this.#deliver(this.buffer.subarray(0, bytes)); return true; } };
  }

  #deliver(view: Buffer): void {
    if (this.#target !== undefined) this.#target(view);
    // Bytes that arrive before the connection object exists (a peer writing first) are kept.
    else this.#early.push(Buffer.from(view));
    const socket = this.#socket;
    if (socket !== undefined && socket.listenerCount('data') > 0) socket.emit('data', Buffer.from(view));
  }

  /** From now on every read goes to `target`; queued early bytes first (as owned copies). */
  attach(target: (view: Buffer, borrowed: boolean) => void): void {
    this.#target = (view) => target(view, true);
    const early = this.#early;
    this.#early = [];
    // After the caller finished setting up, and before any further read (those come from I/O).
    if (early.length > 0) queueMicrotask(() => { for (const b of early) target(b, false); });
  }
}
