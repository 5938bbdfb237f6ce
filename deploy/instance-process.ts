// One process of the local deployment (a cpm-ft focus or receiver, or Kamailio): started with a fixed
// port so the dispatcher list never changes, its output kept (the tail in memory, all of it in a log
// file), and killable and restartable with the same command line, which is how a dead instance
// rejoins: the dispatcher's next probe finds it answering again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { CpmError } from '../runtime/errors.ts';
import { waitForTcpListen } from './ports.ts';

export type InstanceRole = 'edge' | 'focus' | 'receiver';

export interface InstanceSpec {
  /** 'focus-1', 'receiver-2', 'kamailio'. */
  readonly name: string;
  readonly role: InstanceRole;
  /** The TCP port it listens on (SIP for cpm-ft, the SIP port for Kamailio). */
  readonly port: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Every line of output is appended here. */
  readonly logFile: string;
  readonly readyTimeoutMs: number;
  /** Each stdout line (the focus's --log json events, the receiver's lines). */
  readonly onLine?: (line: string) => void;
}

const TAIL = 64 * 1024;

export class InstanceProcess {
  readonly spec: InstanceSpec;
  #child: ChildProcess | undefined;
  #log: WriteStream | undefined;
  #tail = '';
  #starts = 0;

  constructor(spec: InstanceSpec) {
    this.spec = spec;
  }

  get name(): string { return this.spec.name; }
  get port(): number { return this.spec.port; }
  get pid(): number | undefined { return this.#child?.pid; }
  /** How many times it was started (2 after one restart). */
  get starts(): number { return this.#starts; }
  get alive(): boolean {
    const c = this.#child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }
  /** The last 64 KiB of its output. */
  output(): string { return this.#tail; }

  /** Starts it and resolves once it listens on its port. */
  async start(): Promise<void> {
    if (this.alive) return;
    this.#starts += 1;
    this.#log ??= createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    let partial = '';
    const keep = (text: string): void => {
      this.#tail = (this.#tail + text).slice(-TAIL);
      this.#log?.write(text);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      keep(text);
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.spec.onLine?.(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    try {
      await spawned;
      await waitForTcpListen(this.spec.port, this.spec.readyTimeoutMs, () => this.alive);
    } catch (error) {
      await this.stop('SIGKILL');
      throw new CpmError('ERR_DEPLOY_START', `${this.spec.name} did not start: ${(error as Error).message}\n${this.#tail.slice(-2000)}`, { cause: error });
    }
  }

  /** Sends `signal` and resolves once it has exited (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** SIGKILL, the crash the failover is built for: no BYE, no MSRP teardown, sockets reset by the kernel. */
  kill(): Promise<void> {
    return this.stop('SIGKILL', 0);
  }

  restart(): Promise<void> {
    return this.start();
  }

  /** Stops it and closes its log file. */
  async dispose(): Promise<void> {
    await this.stop();
    const log = this.#log;
    this.#log = undefined;
    if (log !== undefined) await new Promise<void>((resolve) => log.end(() => resolve()));
  }

  /** Last resort on process exit: synchronous SIGKILL. */
  killNow(): void {
    if (this.alive) this.#child?.kill('SIGKILL');
  }
}
