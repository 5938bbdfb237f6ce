import { describe, expect, it } from 'vitest';
import { newFileProgress } from '../../src/cli/progress/file-progress.ts';
import { formatBytes, formatEta, formatRate } from '../../src/cli/progress/format-units.ts';
import { PlainProgress } from '../../src/cli/progress/plain-progress.ts';
import { createProgressView } from '../../src/cli/progress/create-progress-view.ts';
import { renderBarLine } from '../../src/cli/progress/render-bar-line.ts';
import { TtyProgress } from '../../src/cli/progress/tty-progress.ts';
import { MemoryStream } from './helpers/memory-io.ts';

const escape = /\x1b\[/;

describe('units', () => {
  it('formats bytes, rates and ETAs', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(8 * 1024 * 1024)).toBe('8.0 MiB');
    expect(formatRate(12_345_678)).toBe('12.3 MB/s');
    expect(formatEta(75)).toBe('1:15');
    expect(formatEta(3725)).toBe('1:02:05');
    expect(formatEta(undefined)).toBe('--:--');
  });
});

describe('renderBarLine', () => {
  it('shows name, percent, MB/s and ETA half way through', () => {
    const file = newFileProgress('photo.jpg', 10_000_000, 0);
    file.sent = 5_000_000;
    const line = renderBarLine(file, 1000, 100);
    expect(line).toMatch(/^photo\.jpg +\[#{5,}-{5,}\]  50%  5\.0 MB\/s  ETA 0:01$/);
    expect(line.length).toBeLessThanOrEqual(100);
  });

  it('marks done and failed files and fits narrow terminals', () => {
    const file = newFileProgress('a-very-long-file-name-that-will-not-fit.bin', 100, 0);
    file.sent = 100;
    file.status = 'done';
    file.endedAt = 2000;
    expect(renderBarLine(file, 9999, 120)).toMatch(/^….*\.bin \[#+\] 100%  0\.0 MB\/s  done$/);
    file.status = 'failed';
    file.reason = 'MSRP 413: too large';
    expect(renderBarLine(file, 9999, 120)).toContain('failed: MSRP 413: too large');
    expect(renderBarLine(file, 9999, 40).length).toBeLessThanOrEqual(40);
  });
});

describe('plain progress (not a TTY)', () => {
  it('writes one line per start/end and no escape codes', () => {
    const out = new MemoryStream(false);
    const view = createProgressView(out);
    expect(view).toBeInstanceOf(PlainProgress);
    view.start('a.txt', 1234);
    for (let i = 0; i < 100; i += 1) view.update('a.txt', i, 1234);
    view.done('a.txt', 'AB:CD');
    view.start('b.txt', 5);
    view.failed('b.txt', 'MSRP 413');
    view.finish();
    expect(out.text).toBe('sending a.txt (1234 bytes)\nsent a.txt sha-1 AB:CD\nsending b.txt (5 bytes)\nfailed b.txt: MSRP 413\n');
    expect(out.text).not.toMatch(escape);
  });
});

describe('TTY progress', () => {
  it('is chosen for a TTY unless TERM=dumb', () => {
    expect(createProgressView(new MemoryStream(true))).toBeInstanceOf(TtyProgress);
    expect(createProgressView(new MemoryStream(true), { TERM: 'dumb' })).toBeInstanceOf(PlainProgress);
  });

  it('redraws all bars in place, at most once per interval', () => {
    let now = 0;
    const out = new MemoryStream(true);
    const writes: string[] = [];
    const view = new TtyProgress({ isTTY: true, columns: 100, write: (text: string) => writes.push(text) }, { now: () => now, intervalMs: 100 });
    view.start('a', 1000);
    view.start('b', 1000);
    expect(writes).toHaveLength(2);
    // The second draw moves up over the one line drawn before and rewrites both.
    expect(writes[1]).toMatch(/^\x1b\[1A\r\x1b\[2Ka .*\n\x1b\[2Kb .*\n$/);
    for (let i = 1; i <= 50; i += 1) {
      now += 10;
      view.update('a', i * 10, 1000);
    }
    // 500 ms of updates every 10 ms: about 5 redraws, not 50.
    expect(writes.length - 2).toBeGreaterThanOrEqual(4);
    expect(writes.length - 2).toBeLessThanOrEqual(6);
    const last = writes.at(-1) ?? '';
    expect(last.startsWith('\x1b[2A\r')).toBe(true);
    expect(last).toMatch(/a +\[#+-+\]  50%  0.0 MB\/s  ETA 0:01\n/);
    view.done('a', 'AB');
    expect(writes.at(-1)).toMatch(/a +\[#+\] 100%.*done/);
    view.finish();
    expect(out.text).toBe('');
  });

  it('assumes 80 columns when a pty reports 0, and keeps the bar width steady', () => {
    const writes: string[] = [];
    let now = 0;
    const view = new TtyProgress({ isTTY: true, columns: 0, write: (text: string) => writes.push(text) }, { now: () => now });
    view.start('x.bin', 10_000_000);
    now = 1000;
    view.update('x.bin', 1_000_000, 10_000_000);
    now = 2000;
    view.update('x.bin', 9_000_000, 10_000_000);
    const bars = writes.map((text) => /\[([#-]+)\]/.exec(text)?.[1]?.length);
    expect(bars).toEqual([bars[0], bars[0], bars[0]]);
    expect(bars[0]).toBeGreaterThanOrEqual(5);
    for (const text of writes) expect(text.replace(/\x1b\[\d*[AK]|\r|\n/g, '').length).toBeLessThanOrEqual(80);
  });
});
