// describeWithPeers: the pure parts (lookup, apt line, skip records, summary line) and two child vitest
// runs of a fixture with sipp and tshark hidden from PATH: without CPM_FT_REQUIRE_PEERS the block is
// skipped and the run ends with the summary line; with it the run fails naming the missing peers.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/counter-files.ts';
import { aptInstallLine, formatSkipRecord, formatSkipSummary, parseSkipRecords } from '../../helpers/system-peer-names.ts';
import { locatePeer, missingPeerMessage, peersRequired } from '../../helpers/system-peers.ts';

const execFileAsync = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'cpm-ft-peers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('system peer lookup and skip summary', () => {
  it('finds an executable on PATH, ignores a non-executable one, honours CHROMIUM_PATH', () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sipp'), '#!/bin/sh\n');
    chmodSync(join(bin, 'sipp'), 0o755);
    writeFileSync(join(bin, 'tshark'), 'not executable');
    chmodSync(join(bin, 'tshark'), 0o644);
    expect(locatePeer('sipp', { PATH: bin })).toBe(join(bin, 'sipp'));
    expect(locatePeer('tshark', { PATH: bin })).toBeUndefined();
    expect(locatePeer('chromium', { PATH: '', CHROMIUM_PATH: join(bin, 'sipp') })).toBe(join(bin, 'sipp'));
    expect(locatePeer('chromium', { PATH: bin, CHROMIUM_PATH: join(bin, 'nothing-here') })).toBeUndefined();
  });

  it('names Debian packages, sorted and unique, and only CPM_FT_REQUIRE_PEERS=1 requires peers', () => {
    expect(aptInstallLine(['tshark', 'sipp', 'kamailio', 'sipp'])).toBe('sudo apt-get install -y kamailio sip-tester tshark');
    expect(missingPeerMessage(['dnsmasq'])).toBe('needs dnsmasq, not found on PATH or in sbin; install with: sudo apt-get install -y dnsmasq');
    expect(peersRequired({ CPM_FT_REQUIRE_PEERS: '1' })).toBe(true);
    expect(peersRequired({ CPM_FT_REQUIRE_PEERS: '0' })).toBe(false);
    expect(peersRequired({})).toBe(false);
  });

  it('reads skip records back, dropping malformed lines, and sums them into one line', () => {
    const text = formatSkipRecord({ peers: ['sipp'], file: 'test/interop/a.test.ts', title: 'a' })
      + '{"peers":["nope"],"file":"x","title":"y"}\n{half a line\n'
      + formatSkipRecord({ peers: ['kamailio', 'sipp'], file: 'test/interop/b.test.ts', title: 'b' });
    const skips = parseSkipRecords([text, formatSkipRecord({ peers: ['chromium'], file: 'test/interop/a.test.ts', title: 'c' })]);
    expect(skips.map((s) => s.title)).toEqual(['a', 'b', 'c']);
    expect(formatSkipSummary(skips)).toBe(
      'skipped 3 test blocks in 2 files (test/interop/a.test.ts, test/interop/b.test.ts): missing sipp, kamailio, chromium; '
      + 'to run them: sudo apt-get install -y chromium kamailio sip-tester');
    expect(formatSkipSummary([])).toBeUndefined();
  });
});

describe('describeWithPeers in a child vitest run without sipp and tshark', () => {
  const fixtureConfig = join(REPO_ROOT, 'test/fixtures/system-peers/vitest.config.ts');
  const vitest = join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');
  let runs = 0;

  async function runFixture(env: Record<string, string>): Promise<{ code: number; out: string; results: { numPassedTests: number; numPendingTests: number; numFailedTests: number } }> {
    const resultsFile = join(scratch, `results-${++runs}.json`);
    // PATH names an empty folder: sipp and tshark live in /usr/bin, which the sbin fallback does not search.
    const childEnv = { HOME: process.env['HOME'] ?? scratch, PATH: join(scratch, 'empty-path'), ...env };
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, [vitest, 'run', '--config', fixtureConfig, '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`], { cwd: REPO_ROOT, env: childEnv, timeout: 60_000 });
      return { code: 0, out: stdout + stderr, results: JSON.parse(readFileSync(resultsFile, 'utf8')) };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`, results: JSON.parse(readFileSync(resultsFile, 'utf8')) };
    }
  }

  it('skips the block and prints one summary line naming the file, the peers and the apt-get line', async () => {
    const r = await runFixture({});
    expect(r.code, r.out).toBe(0);
    expect(r.results).toMatchObject({ numPassedTests: 1, numPendingTests: 2, numFailedTests: 0 });
    const lines = r.out.split('\n').filter((l) => l.startsWith('skipped '));
    expect(lines).toEqual(['skipped 1 test block in 1 file (test/fixtures/system-peers/needs-sipp.peer-fixture.ts): missing sipp, tshark; to run them: sudo apt-get install -y sip-tester tshark']);
  }, 90_000);

  it('with CPM_FT_REQUIRE_PEERS=1 the block fails, saying what to install', async () => {
    const r = await runFixture({ CPM_FT_REQUIRE_PEERS: '1' });
    expect(r.code).not.toBe(0);
    expect(r.results).toMatchObject({ numPassedTests: 1, numFailedTests: 1 });
    expect(r.out).toContain('CPM_FT_REQUIRE_PEERS=1 and this block needs sipp, tshark, not found on PATH or in sbin; install with: sudo apt-get install -y sip-tester tshark');
    expect(r.out.split('\n').some((l) => l.startsWith('skipped '))).toBe(false);
  }, 90_000);
});
