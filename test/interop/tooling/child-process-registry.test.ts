// A peer that cannot be started (not installed) must not hold a test or its hooks: it counts as gone.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { killTrackedChildren, stopChild, trackChild, trackedChildCount, waitForExit } from '../../helpers/child-process-registry.ts';

describe('child process registry', () => {
  it('a command that does not exist resolves waitForExit, stopChild and killTrackedChildren at once', async () => {
    const child = trackChild(spawn('cpm-ft-test-no-such-program', [], { stdio: 'ignore' }));
    const errors: string[] = [];
    child.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? ''));
    expect(await waitForExit(child)).toEqual({ code: null, signal: null });
    await stopChild(child);
    await killTrackedChildren();
    expect(errors).toEqual(['ENOENT']);
    expect(trackedChildCount()).toBe(0);
  }, 10_000); // a registry that waited for an exit event the failed spawn never sends would hang past this

  it('a running child is stopped and forgotten', async () => {
    const child = trackChild(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' }));
    expect(trackedChildCount()).toBe(1);
    await killTrackedChildren();
    expect(child.signalCode).toBe('SIGTERM');
    expect(trackedChildCount()).toBe(0);
  });
});
