// Progress for pipes and log files: one line per event, no escape codes, no in-place redraw.
import type { ProgressStream, ProgressView } from './progress-view.ts';

export class PlainProgress implements ProgressView {
  readonly #out: ProgressStream;

  constructor(out: ProgressStream) {
    this.#out = out;
  }

  start(name: string, size: number): void {
    this.#out.write(`sending ${name} (${size} bytes)\n`);
  }

  // Byte counts would flood a log; the start and end lines carry what matters.
  update(): void {}

  done(name: string, hash: string): void {
    this.#out.write(`sent ${name} sha-1 ${hash}\n`);
  }

  failed(name: string, reason: string): void {
    this.#out.write(`failed ${name}: ${reason}\n`);
  }

  finish(): void {}
}
