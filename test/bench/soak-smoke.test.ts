// Smoke run of `cpm-ft bench --soak` for a few seconds: the real CLI in a child process against a
// real receiver process. Checks what the soak is for (no leaked session, no failure, every kind of
// fault injected), never a time or a memory figure.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('cpm-ft bench --soak', () => {
  it('a 12 s soak: sessions complete, every fault kind is injected, nothing leaks', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['bin/cpm-ft.js', 'bench', '--soak', '--soak-seconds', '12', '--json'], { cwd: root, timeout: 90_000, maxBuffer: 1 << 20 }, (error, out) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout: out });
      });
    });
    const report = JSON.parse(stdout) as { completed: number; failures: Record<string, number>; injected: Record<string, number>; leaked: boolean; start: { openSessions: number; heldSessions: number; rssBytes: number }; end: { openSessions: number; heldSessions: number; rssBytes: number }; memory: { ok: boolean; samples: number; boundPercent: number; midRssBytes: number; endRssBytes: number } };
    expect(report.failures).toEqual({});
    expect(report.leaked).toBe(false);
    expect(report.end.openSessions).toBe(report.start.openSessions);
    expect(report.end.heldSessions).toBe(report.start.heldSessions);
    expect(report.completed).toBeGreaterThan(0);
    for (const kind of ['good send', 'dead INVITE', 'garbage', 'SIGKILLed sender']) expect(report.injected[kind] ?? 0, kind).toBeGreaterThan(0);
    expect(report.end.rssBytes).toBeGreaterThan(0);
    // RSS is sampled through the run and judged against the default bound.
    expect(report.memory.samples).toBeGreaterThanOrEqual(5);
    expect(report.memory.boundPercent).toBe(10);
    expect(report.memory.midRssBytes).toBeGreaterThan(0);
    expect(report.memory.ok).toBe(true);
    expect(code).toBe(0);
  }, 120_000);
});
