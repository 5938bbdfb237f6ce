// Runs the real `cpm-ft` CLI as a child process for end-to-end tests: output is collected as it
// comes, the child is tracked so afterEach can kill it, and a bounded wait turns a hang into a
// failure that shows what the process printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild, trackChild, waitForExit } from './child-process-registry.ts';
import { cliEntry, sourcesBin } from './cli-entry.ts';

export interface CliRun {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly err: () => string;
}

/** Starts the `cpm-ft` CLI with ARGS (the built one when dist/ is fresh, else the sources through tsx: cli-entry.ts; always the sources with `fromSources`) in `cwd` with `env` added to the test's environment. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string>; fromSources?: boolean }): CliRun {
  const bin = options.fromSources === true ? sourcesBin : cliEntry().bin;
  const child = trackChild(
    spawn(process.execPath, [bin, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env } }),
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (data: Buffer) => { out += data.toString(); });
  child.stderr?.on('data', (data: Buffer) => { err += data.toString(); });
  return { child, out: () => out, err: () => err };
}

/** The exit code, or a thrown error with the process's output when it has not exited in time. */
export async function cliExitCode(run: CliRun, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    waitForExit(run.child).then(({ code }) => code),
    new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); }),
  ]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await stopChild(run.child, 'SIGKILL');
    throw new Error(`cpm-ft did not exit in ${timeoutMs} ms\nstdout: ${run.out()}\nstderr: ${run.err()}`);
  }
  return result;
}
