// One progress bar line: name, bar, percent, MB/s, ETA. Pure: the same state and clock give the same text.
import type { FileProgress } from './file-progress.ts';
import { formatEta, formatRate } from './format-units.ts';

const nameWidth = 24;
/** Room kept for '123.4 MB/s  ETA 12:34'. */
const tailReserve = 22;

function fitName(name: string): string {
  if (name.length <= nameWidth) return name.padEnd(nameWidth);
  return `…${name.slice(name.length - nameWidth + 1)}`;
}

/** Renders `file` at time `now` (ms) for a terminal `columns` wide; never longer than `columns`. */
export function renderBarLine(file: FileProgress, now: number, columns = 80): string {
  const fraction = file.total > 0 ? Math.min(1, file.sent / file.total) : file.status === 'done' ? 1 : 0;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const elapsed = ((file.endedAt ?? now) - file.startedAt) / 1000;
  const rate = elapsed > 0 ? file.sent / elapsed : 0;
  let tail: string;
  if (file.status === 'done') tail = `${formatRate(rate)}  done`;
  else if (file.status === 'failed') tail = `failed: ${file.reason ?? 'unknown'}`;
  else tail = `${formatRate(rate)}  ETA ${formatEta(rate > 0 ? (file.total - file.sent) / rate : undefined)}`;
  // The bar's width depends only on the terminal, so it does not jitter as the rate/ETA text changes.
  const barWidth = Math.max(5, Math.min(30, columns - nameWidth - 3 - percent.length - 2 - tailReserve));
  const filled = Math.round(fraction * barWidth);
  const line = `${fitName(file.name)} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${percent}  ${tail}`;
  return line.length > columns ? line.slice(0, Math.max(0, columns - 1)) : line;
}
