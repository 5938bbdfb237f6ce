// Starts bench-child in its own Node process and turns its IPC events into awaitable answers. The
// child runs the same build as this module: dist/bench/bench-child.js with plain node under
// `npm run bench` (so its peak RSS is the client's, without a TypeScript loader), or bench-child.ts
// through tsx's loader when the bench runs from the sources (the smoke test).

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildCommand, ChildEvent } from './bench-protocol.ts';

const fromSources = import.meta.url.endsWith('.ts');
const childScript = fileURLToPath(new URL(fromSources ? './bench-child.ts' : './bench-child.js', import.meta.url));

// Extra node/V8 flags for every child (space-separated), to see what a flag does to the CPU and RSS
// figures, e.g. CPM_FT_BENCH_CHILD_ARGS='--single-threaded-gc', which NODE_OPTIONS does not accept.
const childNodeArgs = (process.env['CPM_FT_BENCH_CHILD_ARGS'] ?? '').split(' ').filter((arg) => arg.length > 0);

type EventOf<K extends ChildEvent['event']> = Extract<ChildEvent, { event: K }>;

export class BenchProcess {
  readonly #child: ChildProcess;
  readonly #listeners = new Set<(event: ChildEvent) => void>();
  readonly #exited: Promise<void>;
  #exitError: Error | undefined;

  /** `profileDir`: write a V8 CPU profile of the child there (node --cpu-prof) when it exits. */
  constructor(label: string, profileDir?: string) {
    // Sampled every 250 µs rather than node's default 1 ms: a 10 KiB session costs ~2-3 ms of CPU, so
    // at 1 ms most per-session functions get a handful of samples and the listing is mostly noise.
    const profile = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`];
    this.#child = fork(childScript, [], {
      execArgv: [...(fromSources ? ['--import', import.meta.resolve('tsx')] : []), ...profile, ...childNodeArgs],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (event: ChildEvent) => {
      for (const listener of [...this.#listeners]) listener(event);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        if (code !== 0) this.#exitError = new Error(`bench ${label} process exited with ${signal ?? code}`);
        for (const listener of [...this.#listeners]) listener({ event: 'error', message: this.#exitError?.message ?? `bench ${label} process exited` });
        resolve();
      });
    });
  }

  get pid(): number | undefined { return this.#child.pid; }

  /** Every event as it arrives; returns a function that stops listening. */
  on(listener: (event: ChildEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends a command and resolves with the first event of kind `expect` (rejects on 'error'). */
  request<K extends ChildEvent['event']>(command: ChildCommand, expect: K): Promise<EventOf<K>> {
    return new Promise((resolve, reject) => {
      const off = this.on((event) => {
        if (event.event === expect) { off(); resolve(event as EventOf<K>); }
        else if (event.event === 'error') { off(); reject(new Error(event.message)); }
      });
      this.#child.send(command);
    });
  }

  /** Asks the child to close its client and exit; kills it if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    if (this.#child.connected) this.#child.send({ cmd: 'stop' } satisfies ChildCommand);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
