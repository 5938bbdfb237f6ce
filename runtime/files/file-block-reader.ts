// Reads a file (or a 1-based byte range of it) as blocks for MSRP SEND chunks through a small pool
// of reused buffers. A read stream allocates a fresh buffer per read; on the sender, those
// allocations drove V8 into a mark-compact every ~30 ms ("external memory pressure"), a fifth of
// the main thread in the bench profile. Here the consumer hands each piece back with release()
// once it is on the socket, and the buffer is read into again.

import { open, type FileHandle } from 'node:fs/promises';
import { CpmError } from '../errors.ts';

export interface FileBlockReaderOptions {
  /** Bytes per read; default 1 MiB. */
  readonly blockSize?: number;
  /** Buffers in the pool; reads wait while all are out. Default 8 (so 8 MiB at most). */
  readonly blocks?: number;
  /** 1-based first byte (an MSRP Byte-Range start, RFC 4975 §7.1.1); default 1. */
  readonly start?: number;
  /** 1-based last byte, inclusive; default the end of the file at open time. */
  readonly end?: number;
}

interface Lent {
  readonly buffer: Buffer;
  /** Bytes of this block not yet released. */
  left: number;
}

/**
 * An async iterable of blocks (views onto pooled buffers). Every byte yielded must come back
 * through release() (in any slicing) before its buffer is reused; a consumer that never
 * releases stalls after `blocks` blocks. One read runs ahead of the consumer.
 */
export class FileBlockReader implements AsyncIterable<Buffer> {
  readonly path: string;
  readonly #blockSize: number;
  readonly #maxBlocks: number;
  readonly #end: number | undefined;
  #position: number;
  #handle: FileHandle | undefined;
  #stop = 0;
  #allocated = 0;
  readonly #free: Buffer[] = [];
  readonly #lent = new Map<ArrayBufferLike, Lent>();
  #freeWaiters: Array<(buffer: Buffer | undefined) => void> = [];
  #ahead: Promise<Buffer | undefined> | undefined;
  #closed = false;
  #iterated = false;

  constructor(path: string, options: FileBlockReaderOptions = {}) {
    const blockSize = options.blockSize ?? 1024 * 1024;
    const blocks = options.blocks ?? 8;
    const start = options.start ?? 1;
    if (!Number.isSafeInteger(blockSize) || blockSize <= 0) throw new CpmError('ERR_INVALID_ARG', `blockSize must be a positive integer, got ${blockSize}`);
    if (!Number.isSafeInteger(blocks) || blocks <= 0) throw new CpmError('ERR_INVALID_ARG', `blocks must be a positive integer, got ${blocks}`);
    if (!Number.isSafeInteger(start) || start < 1) throw new CpmError('ERR_INVALID_ARG', `start is 1-based, got ${start}`);
    this.path = path;
    this.#blockSize = blockSize;
    this.#maxBlocks = blocks;
    this.#position = start;
    this.#end = options.end;
  }

  /** Hands back bytes of a yielded block (any sub-range of it); unknown buffers are ignored. */
  release(piece: Uint8Array): void {
    const lent = this.#lent.get(piece.buffer);
    if (lent === undefined) return;
    lent.left -= piece.byteLength;
    if (lent.left > 0) return;
    this.#lent.delete(piece.buffer);
    this.#giveBack(lent.buffer);
  }

  /** Buffers currently lent out (for tests and diagnostics). */
  get blocksInUse(): number {
    return this.#lent.size;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.#iterated) throw new CpmError('ERR_INVALID_STATE', 'a FileBlockReader can be iterated once');
    this.#iterated = true;
    return {
      next: async () => {
        if (this.#closed) return { done: true, value: undefined };
        try {
          const block = await (this.#ahead ?? this.#read());
          this.#ahead = undefined;
          if (block === undefined) {
            await this.#close();
            return { done: true, value: undefined };
          }
          // Read the next block while the consumer sends this one; a failure surfaces on the
          // next call, so the early copy must not count as unhandled.
          this.#ahead = this.#read();
          this.#ahead.catch(() => {});
          return { done: false, value: block };
        } catch (cause) {
          await this.#close();
          if (cause instanceof CpmError) throw cause;
          throw new CpmError('ERR_FILE_READ', `cannot read ${this.path}`, { cause, location: { source: this.path } });
        }
      },
      return: async () => {
        await this.#close();
        return { done: true, value: undefined };
      },
    };
  }

  async #read(): Promise<Buffer | undefined> {
    if (this.#handle === undefined) {
      try {
        this.#handle = await open(this.path, 'r');
      } catch (cause) {
        // The system's message names the path and the errno (ENOENT, EACCES ...), which is what
        // a user needs; wrappers add what they were doing.
        const why = cause instanceof Error ? cause.message : `cannot open ${this.path}`;
        throw new CpmError('ERR_FILE_READ', why, { cause, location: { source: this.path } });
      }
      const { size } = await this.#handle.stat();
      this.#stop = Math.min(this.#end ?? size, size);
    }
    if (this.#closed || this.#position > this.#stop) return undefined;
    const buffer = await this.#takeFree();
    const handle = this.#handle;
    if (buffer === undefined || this.#closed) return undefined;
    const want = Math.min(buffer.length, this.#stop - this.#position + 1);
    const { bytesRead } = await handle.read(buffer, 0, want, this.#position - 1);
    // The file shrank under us: end here; the size check of the message catches the shortfall.
    if (bytesRead === 0) {
      this.#giveBack(buffer);
      return undefined;
    }
    this.#position += bytesRead;
    this.#lent.set(buffer.buffer, { buffer, left: bytesRead });
    return buffer.subarray(0, bytesRead);
  }

  #takeFree(): Promise<Buffer | undefined> {
    const spare = this.#free.pop();
    if (spare !== undefined) return Promise.resolve(spare);
    if (this.#allocated < this.#maxBlocks) {
      this.#allocated++;
      // allocUnsafeSlow: a buffer of its own (not a slice of Node's shared pool), so release()
      // can find it by its ArrayBuffer.
      return Promise.resolve(Buffer.allocUnsafeSlow(this.#blockSize));
    }
    return new Promise((resolve) => this.#freeWaiters.push(resolve));
  }

  #giveBack(buffer: Buffer): void {
    const waiter = this.#freeWaiters.shift();
    if (waiter !== undefined) waiter(buffer);
    else this.#free.push(buffer);
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#freeWaiters.splice(0)) waiter(undefined);
    await this.#ahead?.catch(() => undefined);
    this.#ahead = undefined;
    await this.#handle?.close().catch(() => undefined);
  }
}
