// `cpm-ft spec mutants` end to end, on the test files it is given: a deliberately weak wire test of
// 7.6.2 (it never looks for the BYE) leaves the rule's mutant alive and the command says so and
// exits 1; the same test with the BYE check kills it and the command exits 0. It runs the sources:
// the mutants are installed by a .ts setup file next to the runner, which the build does not emit.
import { afterEach, describe, expect, it } from 'vitest';
import { cliExitCode, runCli } from '../../helpers/cli-process.ts';
import { killTrackedChildren } from '../../helpers/child-process-registry.ts';
import { repoRoot } from './helpers/runtime-root.ts';

afterEach(async () => {
  await killTrackedChildren();
});

// Two vitest runs at least (the baseline and one mutant round), each starting a worker: minutes
// under a loaded machine, seconds when idle.
const timeoutMs = 240_000;

describe('cpm-ft spec mutants', () => {
  it('reports the mutant a weak test set lets survive, and exits 1', async () => {
    const run = runCli(['spec', 'mutants', '--rule', '7.6.2', '--tests', 'test/fixtures/mutants/weak-release.mutants.ts'], { cwd: repoRoot, fromSources: true });
    expect(await cliExitCode(run, timeoutMs), run.err()).toBe(1);
    expect(run.out()).toMatch(/^7\.6\.2 +SHALL +1 +0 +SURVIVES action-removed \(send-bye\): a runtime that ignores send-bye where the rule asks for it/m);
    expect(run.out()).toContain('mutation score: 0/1 rules (0%) with no surviving mutant; 0/1 mutants killed');
  }, timeoutMs);

  it('counts the mutant killed once the test checks the action on the wire, and exits 0', async () => {
    const run = runCli(['spec', 'mutants', '--rule', '7.6.2', '--tests', 'test/fixtures/mutants/strong-release.mutants.ts'], { cwd: repoRoot, fromSources: true });
    expect(await cliExitCode(run, timeoutMs), run.err()).toBe(0);
    expect(run.out()).toMatch(/^7\.6\.2 +SHALL +1 +1 +-$/m);
    expect(run.out()).toContain('mutation score: 1/1 rules (100%) with no surviving mutant; 1/1 mutants killed');
  }, timeoutMs);

  it('rejects a rule the effective spec does not have', async () => {
    const run = runCli(['spec', 'mutants', '--rule', '7.6.9'], { cwd: repoRoot, fromSources: true });
    expect(await cliExitCode(run, 60_000)).toBe(2);
    expect(run.err()).toContain('no rule 7.6.9 in the effective spec');
  }, 60_000);
});
