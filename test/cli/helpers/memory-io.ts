// A CliIo whose streams collect what is written, for asserting on command output without a process.
import { Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/main.ts';

export class MemoryStream extends Writable {
  text = '';
  isTTY: boolean;
  columns = 100;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export function memoryIo(cwd: string, options: { tty?: boolean } = {}): CliIo & { stdout: MemoryStream; stderr: MemoryStream } {
  return { stdout: new MemoryStream(options.tty ?? false), stderr: new MemoryStream(false), cwd, env: {} };
}
