// Smoke run of `cpm-ft bench --soak` for a few seconds: the real CLI in a child process against a
// real receiver process. Checks what the soak is for (no leaked session, no failure, every kind of
// fault injected) and its memory sampling, never a time or a memory figure: a 12 s run is too short
// for the RSS bound (its middle is still warm-up), so it must say so rather than pass or fail it.
// test/bench/soak-memory.test.ts shows the bound failing on growth and passing on flat samples.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../helpers/cli-entry.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('cpm-ft bench --soak', () => {
  it('a 12 s soak: sessions complete, every fault kind is injected, nothing leaks', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [cliEntry().bin, 'bench', '--soak', '--soak-seconds', '12', '--json'], { cwd: root, timeout: 90_000, maxBuffer: 1 << 20 }, (error, out) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout: out });
      });
    });
    const report = JSON.parse(stdout) as {
      completed: number; failures: Record<string, number>; injected: Record<string, number>; leaked: boolean;
      start: { openSessions: number; heldSessions: number; rssBytes: number }; end: { openSessions: number; heldSessions: number; rssBytes: number; heapUsedBytes: number };
      memory: { ok: boolean; judged: boolean; notJudged?: string; samples: number; boundPercent: number; midRssBytes: number; endRssBytes: number; growth: number };
      samples: Array<{ atMs: number; rssBytes: number; heapUsedBytes: number; newSpaceBytes: number; afterGc: boolean }>;
    };
    expect(report.failures).toEqual({});
    expect(report.leaked).toBe(false);
    expect(report.end.openSessions).toBe(report.start.openSessions);
    expect(report.end.heldSessions).toBe(report.start.heldSessions);
    expect(report.completed).toBeGreaterThan(0);
    for (const kind of ['good send', 'dead INVITE', 'garbage', 'SIGKILLed sender']) expect(report.injected[kind] ?? 0, kind).toBeGreaterThan(0);
    expect(report.end.rssBytes).toBeGreaterThan(0);
    // RSS is sampled through the run, each sample after a forced collection, in time order.
    expect(report.samples.length).toBeGreaterThanOrEqual(5);
    expect(report.memory.samples).toBe(report.samples.length);
    for (const s of report.samples) {
      expect(s.afterGc).toBe(true);
      expect(s.rssBytes).toBeGreaterThan(0);
      expect(s.heapUsedBytes).toBeGreaterThan(0);
      expect(s.heapUsedBytes).toBeLessThan(s.rssBytes);
      expect(s.newSpaceBytes).toBeGreaterThan(0);
    }
    expect(report.samples.map((s) => s.atMs)).toEqual([...report.samples.map((s) => s.atMs)].sort((a, b) => a - b));
    // The medians of the middle and last tenths are computed from those samples...
    const rss = report.samples.map((s) => s.rssBytes);
    for (const figure of [report.memory.midRssBytes, report.memory.endRssBytes]) {
      expect(figure).toBeGreaterThanOrEqual(Math.min(...rss));
      expect(figure).toBeLessThanOrEqual(Math.max(...rss));
    }
    expect(report.memory.growth).toBeCloseTo((report.memory.endRssBytes - report.memory.midRssBytes) / report.memory.midRssBytes, 9);
    // ...but a 12 s run is not judged against the bound, and says so.
    expect(report.memory.judged).toBe(false);
    expect(report.memory.notJudged).toMatch(/^run shorter than \d+ s$/);
    expect(report.memory.ok).toBe(true);
    expect(code).toBe(0);
  }, 120_000);
});
