// The CLI bounds V8's new space and old generation (src/heap-growth.ts, cliHeapGrowth), which is
// what bounds a long-running `cpm-ft` process's RSS after many sessions. It relies on V8 flags set at
// run time: if a Node upgrade stopped honouring them, the CLI run below would grow like the plain
// one and this test would fail.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHeapGrowth } from '../../src/heap-growth.ts';
import { trackChild, waitForExit } from '../helpers/child-process-registry.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/cpm-ft.js');
const churn = join(import.meta.dirname, 'helpers/heap-growth-churn.ts');
const MiB = 1024 * 1024;

interface Churned { readonly before: number; readonly largest: number; readonly largestOld: number }

/** Runs node `args` with the churn preloaded; returns what the churn reported. */
async function churnIn(nodeArgs: readonly string[], args: readonly string[]): Promise<Churned> {
  const child = trackChild(spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', churn, ...nodeArgs, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  child.stderr?.on('data', (data: Buffer) => { err += data.toString(); });
  child.stdout?.resume();
  const { code } = await waitForExit(child);
  const line = err.split('\n').find((text) => text.startsWith('heap-growth '));
  if (code !== 0 || line === undefined) throw new Error(`exit ${code}, stderr: ${err}`);
  return JSON.parse(line.slice('heap-growth '.length)) as Churned;
}

describe('the CLI process bounds V8 heap growth', () => {
  let plain: Churned | undefined;

  it('a plain node process grows its new space past twice the bound under the churn: the churn is enough to tell', async () => {
    plain = await churnIn([], ['-e', '']);
    expect(plain.largest).toBeGreaterThanOrEqual(2 * cliHeapGrowth.maxNewSpaceBytes);
  }, 60_000);

  it('the CLI, started as its bin starts it, keeps new space within the bound and old space well under the plain one through the same churn', async () => {
    const cli = await churnIn([], [bin, '--version']);
    expect(cli.largest).toBeLessThanOrEqual(cliHeapGrowth.maxNewSpaceBytes);
    expect(cliHeapGrowth.maxNewSpaceBytes).toBeLessThanOrEqual(8 * MiB);
    plain ??= await churnIn([], ['-e', '']);
    expect(cli.largestOld).toBeLessThan(0.7 * plain.largestOld);
  }, 60_000);

  it('a young-generation flag given on the command line is left in force', async () => {
    const own = await churnIn(['--semi-space-growth-factor=2'], [bin, '--version']);
    expect(own.largest).toBeGreaterThanOrEqual(2 * cliHeapGrowth.maxNewSpaceBytes);
  }, 60_000);
});
