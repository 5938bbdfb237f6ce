// Smoke run of `cpm-ft bench --quick --json`: the real CLI in a child process (cli-entry.ts picks which). Only the shape of
// the figures and the success of every transfer are checked, never a time.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../helpers/cli-entry.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliEntry().bin, ...args], { cwd: root, timeout: 230_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const positive = (value: unknown): void => {
  expect(typeof value).toBe('number');
  expect(value as number).toBeGreaterThan(0);
  expect(Number.isFinite(value as number)).toBe(true);
};

describe('cpm-ft bench', () => {
  it('--quick --json prints one JSON object with every figure and all transfers intact', async () => {
    // Every stage but (i), which starts the Kamailio deployment twice: test/deploy/deploy-bench.test.ts runs it.
    const { code, stdout, stderr } = await runCli(['bench', '--quick', '--json', '--size', '2M', '--sessions', '20', '--repeat', '2',
      '--only', 'transfer,rate,parsers,spec,startup,relay']);
    expect(stderr).toContain('bench: (a) baseline');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, any>;
    expect(report['quick']).toBe(true);
    expect(report['sizeBytes']).toBe(2 * 1024 * 1024);
    expect(report['ok']).toBe(true);

    expect(report['baseline'].bytesReceived).toBe(2 * 1024 * 1024);
    positive(report['baseline'].megabytesPerSecond);

    const transfer = report['transfer'];
    expect(transfer.ok).toBe(true);
    expect(transfer.failure).toBeUndefined();
    positive(transfer.megabytesPerSecond);
    positive(transfer.ratioToBaseline);
    positive(transfer.ratioToFairBaseline);
    // (a2): both ends hashed the whole file and agree with the source; its CPU is split by side.
    const fair = report['fairBaseline'];
    expect(fair.ok).toBe(true);
    positive(fair.megabytesPerSecond);
    positive(fair.senderCpuMs);
    positive(fair.receiverCpuMs);
    positive(report['sha1sumCpuMs']);
    expect(stderr).toContain('bench: (a2) fair baseline');
    positive(transfer.senderPeakRssBytes);
    positive(transfer.receiverPeakRssBytes);

    expect(report['sessionRate']).toHaveLength(2);
    for (const rate of report['sessionRate']) {
      expect(rate.sessions).toBe(20);
      expect(rate.failures).toBe(0);
      expect(rate.received).toBe(20);
      positive(rate.sessionsPerSecond);
      // The sender's RSS before any session and after the last one (what finished sessions left).
      positive(rate.senderIdleRssBytes);
      positive(rate.senderRssAfterBytes);
    }
    expect(report['sessionRate'].map((r: { concurrency: number }) => r.concurrency)).toEqual([10, 60]);

    expect(report['msrpParser'].chunkBytes).toBe(64 * 1024);
    positive(report['msrpParser'].megabytesPerSecond);
    positive(report['sipParser'].messagesPerSecond);
    positive(report['spec'].loadMs);
    positive(report['spec'].generateMs);
    expect(report['spec'].files).toBeGreaterThan(0);
    positive(report['machine'].cpus);

    const startup = report['startup'];
    expect(startup.ok).toBe(true);
    // The test runs the built CLI when dist/ is a fresh build (a fresh clone after npm ci), else the sources.
    expect(startup.entry).toBe(cliEntry().kind);
    for (const figure of ['nodeMs', 'versionMs', 'sendMs', 'versionRatio', 'sendRatio', 'clientIdleRssBytes']) positive(startup[figure]);
    // --repeat 2: both (a)/(b) pairs are kept, the spread is over both, CPU per GiB for each side.
    expect(report['runs']).toHaveLength(2);
    for (const run of report['runs']) expect(run.transfer.ok).toBe(true);
    const summary = report['summary'];
    expect(summary.runs).toBe(2);
    for (const key of ['megabytesPerSecond', 'ratioToBaseline', 'senderCpuMsPerGiB', 'receiverCpuMsPerGiB', 'baselineCpuMsPerGiB',
      'ratioToFairBaseline', 'fairSenderCpuMsPerGiB', 'fairReceiverCpuMsPerGiB', 'senderCpuRatioToFair', 'receiverCpuRatioToFair']) {
      positive(summary[key].median);
      expect(summary[key].min).toBeLessThanOrEqual(summary[key].median);
      expect(summary[key].max).toBeGreaterThanOrEqual(summary[key].median);
    }
    // The kamailio relay stage either ran with both transfers intact or says why it did not.
    const relay = report['relay'];
    if (typeof relay.skipped === 'string') expect(relay.skipped.length).toBeGreaterThan(0);
    else {
      expect(relay.direct.ok && relay.relayed.ok).toBe(true);
      positive(relay.ratio);
    }
  }, 240_000); // ~55 s on an idle 2-core machine; it ran past 110 s when other work shared the cores

  it('--only runs the named stages and --compare prints changes against an earlier --json run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-bench-compare-'));
    try {
      const first = await runCli(['bench', '--quick', '--json', '--only', 'parsers']);
      expect(first.code).toBe(0);
      const report = JSON.parse(first.stdout) as Record<string, any>;
      expect(report['stages']).toEqual(['parsers']);
      expect(report['transfer']).toBeUndefined();
      expect(report['sessionRate']).toEqual([]);
      positive(report['sipParser'].messagesPerSecond);
      await writeFile(join(dir, 'last.json'), first.stdout);
      const second = await runCli(['bench', '--quick', '--only', 'parsers', '--compare', join(dir, 'last.json')]);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('(e) SIP parser, INVITE with SDP');
      expect(second.stdout).toMatch(/compared with .*last\.json/);
      expect(second.stdout).toMatch(/\(e\) SIP parser +\d+ msg\/s +\d+ msg\/s +[+-]\d+\.\d%/);
      const bad = await runCli(['bench', '--only', 'nothing']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--only takes stages from');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('--help prints the usage and a bad option is a usage error', async () => {
    const help = await runCli(['bench', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--quick');
    const bad = await runCli(['bench', '--size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--size expects a number of bytes');
  });
});
