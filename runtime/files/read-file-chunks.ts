// Reads a file as a sequence of chunks for MSRP SEND requests, through one reused buffer, so only
// `chunkSize` bytes are held no matter how large the file is.

import { open } from 'node:fs/promises';
import { CpmError } from '../errors.ts';

export interface FileChunk {
  /** 1-based position of the first byte, as in an MSRP Byte-Range (RFC 4975 §7.1.1). */
  start: number;
  /** 1-based position of the last byte (inclusive). */
  end: number;
  /** A view onto the reader's buffer: valid only until the next chunk is requested. */
  data: Uint8Array;
}

export interface ReadFileChunksOptions {
  /** Bytes per chunk; INTEROP §10: 2 KiB to 64 KiB is what receivers expect. Default 64 KiB. */
  chunkSize?: number;
  /** 1-based first byte to send (RFC 5547 file-range resume); default 1. */
  start?: number;
  /** 1-based last byte to send, inclusive; default the end of the file. */
  stop?: number;
}

export async function* readFileChunks(path: string, options: ReadFileChunksOptions = {}): AsyncGenerator<FileChunk, void, void> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new CpmError('ERR_INVALID_ARG', `chunkSize must be a positive integer, got ${chunkSize}`);
  const start = options.start ?? 1;
  if (!Number.isSafeInteger(start) || start < 1) throw new CpmError('ERR_INVALID_ARG', `start is 1-based, got ${start}`);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new CpmError('ERR_FILE_READ', `cannot open ${path}`, { cause, location: { source: path } });
  }
  try {
    const { size } = await handle.stat();
    const stop = Math.min(options.stop ?? size, size);
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(stop - start + 1, 1)));
    let position = start; // 1-based next byte
    while (position <= stop) {
      const want = Math.min(buffer.length, stop - position + 1);
      const { bytesRead } = await handle.read(buffer, 0, want, position - 1);
      if (bytesRead === 0) break; // the file shrank under us; the size check at the far end catches it
      yield { start: position, end: position + bytesRead - 1, data: buffer.subarray(0, bytesRead) };
      position += bytesRead;
    }
  } catch (cause) {
    if (cause instanceof CpmError) throw cause;
    throw new CpmError('ERR_FILE_READ', `cannot read ${path}`, { cause, location: { source: path } });
  } finally {
    await handle.close();
  }
}
