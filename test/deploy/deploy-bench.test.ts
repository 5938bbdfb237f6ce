// `cpm-ft bench --only deploy --quick --json`: the deployment stage (i) in a child process. Only the
// shape and the failure counts are checked, never a time: both instance counts ran every session
// without a failure, and after the SIGKILL of one focus no session that started later failed.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { cliEntry } from '../helpers/cli-entry.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describeWithPeers(['kamailio'], 'cpm-ft bench: the deployment stage', () => {
  it('prints group sessions per second for 1 and 2 focus instances and the time to the first session after a kill', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cliEntry().bin, 'bench', '--only', 'deploy', '--quick', '--json'], { cwd: root, timeout: 170_000, maxBuffer: 1 << 20 }, (error, out, err) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout: out, stderr: err });
      });
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('bench: (i) SIGKILL of focus-1');
    const report = JSON.parse(stdout) as { stages: string[]; ok: boolean; deploy: Record<string, any> };
    expect(report.stages).toEqual(['deploy']);
    expect(report.ok).toBe(true);
    const d = report.deploy;
    expect(d['rates'].map((r: { focusInstances: number }) => r.focusInstances)).toEqual([1, 2]);
    for (const r of d['rates']) {
      expect(r.failures).toBe(0);
      expect(r.sessions).toBe(20);
      expect(r.sessionsPerSecond).toBeGreaterThan(0);
    }
    // With two instances the round robin gave both some sessions.
    expect(Object.keys(d['rates'][1].perInstance).sort()).toEqual(['focus-1', 'focus-2']);
    expect(d['kill'].failedAfterKill).toBe(0);
    expect(d['kill'].sessionsAfterKill).toBeGreaterThan(0);
    expect(Number.isFinite(d['kill'].firstServedMs)).toBe(true);
    expect(d['loadAverage']).toHaveLength(2);
  }, 180_000);
});
