// (i) The deployment of docs/deployment.md (deploy/local-deployment.ts): Kamailio's dispatcher in front
// of 1 and then 2 focus instances and 2 receivers. Figures: group sessions per second (a 10 KiB file
// to a group of three members, through the edge), failed sessions, and with 2 instances the time
// from SIGKILLing one focus to the first session a survivor served. Optional like (h): without a
// kamailio binary the stage says why it was skipped.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startLocalDeployment, type LocalDeployment } from '../deploy/local-deployment.ts';
import { createClient } from '../src/client.ts';
import type { CpmClient } from '../src/client-types.ts';

const GROUP = 'sip:team@groups.cpm.test';
const FILE_BYTES = 10 * 1024;

export interface DeployRateResult {
  readonly focusInstances: number;
  readonly sessions: number;
  readonly concurrency: number;
  readonly failures: number;
  readonly sessionsPerSecond: number;
  readonly elapsedMs: number;
  /** Sessions each focus instance answered (from its events). */
  readonly perInstance: Readonly<Record<string, number>>;
  readonly firstFailure?: string;
}

export interface DeployKillResult {
  /** SIGKILL of one focus to the end of the first session that started after it and succeeded. */
  readonly firstServedMs: number;
  /** Sessions under way at the kill that failed (those on the killed instance). */
  readonly failedInFlight: number;
  /** Sessions started after the kill that failed (the edge should fail them over: 0). */
  readonly failedAfterKill: number;
  /** Sessions started after the kill, all served by the survivor. */
  readonly sessionsAfterKill: number;
  readonly pingIntervalSeconds: number;
}

export type DeployBenchResult =
  | { readonly skipped: string }
  | {
    readonly kamailioVersion: string;
    readonly members: number;
    readonly fileBytes: number;
    readonly rates: readonly DeployRateResult[];
    readonly kill: DeployKillResult;
    /** 1-minute load average when the stage started and ended (the figures move with it). */
    readonly loadAverage: readonly [number, number];
  };

function kamailioVersion(): string | undefined {
  const binary = ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio'].find((p) => existsSync(p)) ?? 'kamailio';
  const probe = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 5000 });
  if (probe.error !== undefined || probe.status !== 0) return undefined;
  return /version:\s*(\S+ \S+)/.exec(probe.stdout)?.[1] ?? 'kamailio';
}

const loadAverage = (): number => loadavg()[0] ?? 0;

interface Session { readonly started: number; readonly ended: number; readonly ok: boolean; readonly why?: string }

/** One group session of `file`; ok only when every member received it. */
async function groupSession(client: CpmClient, file: string): Promise<Session> {
  const started = Date.now();
  const summary = await client.send({ kind: 'predefined-group', uri: GROUP }, [file]).done;
  const ok = summary.ok && summary.members?.length === 3 && summary.members.every((m) => m.status === 'received');
  const why = ok ? undefined : JSON.stringify(summary.members ?? summary.files.map((f) => f.failure)).slice(0, 300);
  return { started, ended: Date.now(), ok, ...(why === undefined ? {} : { why }) };
}

/** `sessions` sessions, `concurrency` senders at a time, each its own client. */
async function runSessions(clients: readonly CpmClient[], file: string, sessions: number, until?: () => boolean): Promise<Session[]> {
  const done: Session[] = [];
  let next = 0;
  await Promise.all(clients.map(async (client) => {
    while (next < sessions && (until === undefined || !until())) {
      next += 1;
      done.push(await groupSession(client, file));
    }
  }));
  return done;
}

async function senders(deployment: LocalDeployment, count: number): Promise<CpmClient[]> {
  const clients: CpmClient[] = [];
  for (let i = 0; i < count; i++) {
    clients.push(await createClient({
      localUri: `sip:bench-${i}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, outboundProxy: deployment.proxyUri, waitTimeoutMs: 10_000,
    }));
  }
  return clients;
}

export async function runDeployBench(options: { readonly dir: string; readonly sessions: number; readonly concurrency: number; readonly onStage?: (text: string) => void }): Promise<DeployBenchResult> {
  const version = kamailioVersion();
  if (version === undefined) return { skipped: 'no kamailio binary on PATH or in /usr/sbin' };
  const loadAtStart = loadAverage();
  const file = join(options.dir, 'deploy-small.bin');
  await writeFile(file, Buffer.alloc(FILE_BYTES, 0x5a));
  const rates: DeployRateResult[] = [];
  let kill: DeployKillResult | undefined;
  for (const focusInstances of [1, 2]) {
    options.onStage?.(`(i) deployment with ${focusInstances} focus instance${focusInstances === 1 ? '' : 's'}: ${options.sessions} group sessions, ${options.concurrency} concurrent`);
    const dir = join(options.dir, `deploy-${focusInstances}`);
    await mkdir(dir, { recursive: true });
    const answered: Record<string, number> = {};
    const answers: Array<{ instance: string; at: number }> = [];
    const deployment = await startLocalDeployment({
      focus: focusInstances, receivers: 2, dir, pingIntervalSeconds: 1,
      onFocusEvent: (instance, event) => {
        if (event['type'] !== 'session-answered' || event['status'] !== 200) return;
        answered[instance] = (answered[instance] ?? 0) + 1;
        answers.push({ instance, at: Date.now() });
      },
    });
    const clients = await senders(deployment, options.concurrency);
    try {
      // One session per sender first, so no figure includes a client's first connection.
      await runSessions(clients, file, options.concurrency);
      for (const k of Object.keys(answered)) answered[k] = 0;
      const t0 = performance.now();
      const measured = await runSessions(clients, file, options.sessions);
      const elapsedMs = performance.now() - t0;
      const failed = measured.filter((s) => !s.ok);
      rates.push({
        focusInstances, sessions: measured.length, concurrency: options.concurrency, failures: failed.length,
        sessionsPerSecond: measured.length / (elapsedMs / 1000), elapsedMs, perInstance: { ...answered },
        ...(failed[0]?.why === undefined ? {} : { firstFailure: failed[0].why }),
      });
      if (focusInstances === 2) {
        options.onStage?.('(i) SIGKILL of focus-1 while sessions run: time to the first session a survivor served');
        const victim = deployment.focus[0];
        if (victim === undefined) throw new Error('no focus instance');
        // Sessions keep running; focus-1 is killed once a few have started on it.
        let killedAt = 0;
        const stopAt = options.sessions;
        let finished = false;
        const running = runSessions(clients, file, stopAt, () => killedAt !== 0 && Date.now() - killedAt > 3000).finally(() => { finished = true; });
        const startedOnVictim = (): number => answers.filter((a) => a.instance === victim.name).length;
        const before = startedOnVictim();
        while (startedOnVictim() < before + 2 && !finished) await new Promise((r) => setTimeout(r, 10));
        await victim.kill();
        killedAt = Date.now();
        const all = await running;
        const after = all.filter((s) => s.started >= killedAt);
        const firstOk = after.filter((s) => s.ok).sort((a, b) => a.ended - b.ended)[0];
        kill = {
          firstServedMs: firstOk === undefined ? Number.NaN : firstOk.ended - killedAt,
          failedInFlight: all.filter((s) => s.started < killedAt && !s.ok).length,
          failedAfterKill: after.filter((s) => !s.ok).length,
          sessionsAfterKill: after.length,
          pingIntervalSeconds: 1,
        };
      }
    } finally {
      for (const c of clients) await c.close();
      await deployment.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  await rm(file, { force: true });
  if (kill === undefined) throw new Error('the kill measurement did not run');
  return { kamailioVersion: version, members: 3, fileBytes: FILE_BYTES, rates, kill, loadAverage: [loadAtStart, loadAverage()] };
}
