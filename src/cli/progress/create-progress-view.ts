// Picks bars or plain lines for a stream: bars only on a terminal that is not TERM=dumb.
import { PlainProgress } from './plain-progress.ts';
import type { ProgressStream, ProgressView } from './progress-view.ts';
import { TtyProgress } from './tty-progress.ts';

export function createProgressView(out: ProgressStream, env: NodeJS.ProcessEnv = {}): ProgressView {
  return out.isTTY === true && env['TERM'] !== 'dumb' ? new TtyProgress(out) : new PlainProgress(out);
}
