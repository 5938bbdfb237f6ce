// Progress bars on a terminal: one line per file, redrawn in place by moving the cursor up over the
// block and clearing each line. Redraws are throttled (default 100 ms, i.e. at most ~10 per second)
// because MSRP chunk acknowledgements can arrive thousands of times a second.
import { newFileProgress, type FileProgress } from './file-progress.ts';
import type { ProgressStream, ProgressView } from './progress-view.ts';
import { renderBarLine } from './render-bar-line.ts';

const clearLine = '\x1b[2K';
const cursorUp = (lines: number): string => (lines > 0 ? `\x1b[${lines}A` : '');

export interface TtyProgressOptions {
  readonly now?: () => number;
  readonly intervalMs?: number;
}

export class TtyProgress implements ProgressView {
  readonly #out: ProgressStream;
  readonly #now: () => number;
  readonly #intervalMs: number;
  readonly #files = new Map<string, FileProgress>();
  #drawnLines = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;

  constructor(out: ProgressStream, options: TtyProgressOptions = {}) {
    this.#out = out;
    this.#now = options.now ?? Date.now;
    this.#intervalMs = options.intervalMs ?? 100;
  }

  start(name: string, size: number): void {
    if (!this.#files.has(name)) this.#files.set(name, newFileProgress(name, size, this.#now()));
    this.#draw(true);
  }

  update(name: string, sent: number, total: number): void {
    let file = this.#files.get(name);
    if (file === undefined) {
      file = newFileProgress(name, total, this.#now());
      this.#files.set(name, file);
    }
    file.sent = sent;
    this.#draw(false);
  }

  done(name: string, hash: string): void {
    this.#end(name, 'done', (file) => {
      file.hash = hash;
      file.sent = file.total;
    });
  }

  failed(name: string, reason: string): void {
    this.#end(name, 'failed', (file) => {
      file.reason = reason;
    });
  }

  finish(): void {
    this.#draw(true);
  }

  #end(name: string, status: 'done' | 'failed', apply: (file: FileProgress) => void): void {
    const file = this.#files.get(name) ?? newFileProgress(name, 0, this.#now());
    this.#files.set(name, file);
    file.status = status;
    file.endedAt = this.#now();
    apply(file);
    // A state change is always shown, whatever the throttle says.
    this.#draw(true);
  }

  #draw(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastDraw < this.#intervalMs) return;
    this.#lastDraw = now;
    // A pty with no size set (script, some CI runners) reports 0 columns: assume the classic 80.
    const reported = this.#out.columns ?? 0;
    const columns = reported > 0 ? reported : 80;
    const lines = [...this.#files.values()].map((file) => `${clearLine}${renderBarLine(file, now, columns)}\n`);
    this.#out.write(`${cursorUp(this.#drawnLines)}\r${lines.join('')}`);
    this.#drawnLines = lines.length;
  }
}
