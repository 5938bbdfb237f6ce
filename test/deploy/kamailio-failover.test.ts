// The deployment of docs/deployment.md on loopback (deploy/local-deployment.ts): Kamailio's dispatcher
// in front of two `cpm-ft focus` and two `cpm-ft receive` processes. Group transfers go through it;
// one focus is SIGKILLed in the middle of a file, then one receiver. Checked: the sender never hears
// "delivered" for a member that has no complete copy, new sessions reach the survivors within the
// probing interval, the resent file completes, and a restarted instance serves sessions again.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalDeployment, type LocalDeployment } from '../../deploy/local-deployment.ts';
import type { InstanceProcess } from '../../deploy/instance-process.ts';
import { createClient } from '../../src/client.ts';
import { describeWithPeers } from '../helpers/system-peers.ts';
import type { CpmClient, MemberOutcome, TransferSummary } from '../../src/client-types.ts';

const GROUP = 'sip:team@groups.cpm.test';
const MEMBERS = ['alice', 'bob', 'carol'].map((u) => `sip:${u}@cpm.test`);
const PING_SECONDS = 1;

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

interface FocusEvent { readonly instance: string; readonly at: number; readonly event: Record<string, unknown> }

describeWithPeers(['kamailio'], 'cpm-ft focus and receivers behind the Kamailio dispatcher', () => {
  let dir = '';
  let deployment: LocalDeployment | undefined;
  let sender: CpmClient | undefined;
  /** A second sender: its sessions start right after a kill, while the interrupted one winds down. */
  let prober: CpmClient | undefined;
  const events: FocusEvent[] = [];
  let small = '';
  let big = '';
  let bigData = Buffer.alloc(0);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cpm-ft-deploy-'));
    deployment = await startLocalDeployment({
      focus: 2, receivers: 2, dir: join(dir, 'deployment'), pingIntervalSeconds: PING_SECONDS,
      onFocusEvent: (instance, event) => events.push({ instance, at: Date.now(), event }),
    });
    sender = await createClient({
      localUri: 'sip:sender@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, outboundProxy: deployment.proxyUri, waitTimeoutMs: 10_000,
    });
    prober = await createClient({
      localUri: 'sip:prober@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, outboundProxy: deployment.proxyUri, waitTimeoutMs: 10_000,
    });
    small = join(dir, 'small.txt');
    await writeFile(small, 'a small file for every member\n');
    big = join(dir, 'big.bin');
    // Large enough that the kill lands in the middle of the file even on a busy machine.
    bigData = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < bigData.length; i += 4096) bigData.writeUInt32BE(i, i);
    await writeFile(big, bigData);
  }, 90_000);

  afterAll(async () => {
    await sender?.close();
    await prober?.close();
    await deployment?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the deployment did not start');
    return value;
  };

  /** Which focus instance answered the session that started after `since`. */
  const servedBy = (since: number): string | undefined =>
    events.find((e) => e.at >= since && e.event['type'] === 'session-answered' && e.event['status'] === 200)?.instance;

  /** Every complete copy of big.bin in the receivers' folders, by member-independent content. */
  async function completeCopies(): Promise<number> {
    let copies = 0;
    for (let i = 0; i < need(deployment).receivers.length; i++) {
      for (const name of await readdir(need(deployment).inbox(i))) {
        if (!name.startsWith('big')) continue;
        if (sha1(await readFile(join(need(deployment).inbox(i), name))) === sha1(bigData)) copies += 1;
      }
    }
    return copies;
  }

  type Served = Awaited<ReturnType<typeof firstServed>>;

  /**
   * Sends `file` to the group, SIGKILLs `pick()`'s instance once `afterBytes` went out, and right
   * after the kill starts the prober's sessions (firstServed) while the interrupted one winds down.
   */
  async function sendAndKill(file: string, afterBytes: number, pick: () => InstanceProcess): Promise<{ summary: TransferSummary; served: Served; victim: InstanceProcess }> {
    const transfer = need(sender).send({ kind: 'predefined-group', uri: GROUP }, [file]);
    let kill: Promise<{ served: Served; victim: InstanceProcess }> | undefined;
    // The kill waits until the focus has named every member to the sender (RFC 4575 NOTIFY) as well
    // as for the bytes: a focus killed before its first NOTIFY leaves the sender no member to report,
    // which a fast machine reached with the file's first megabytes already out.
    const named = new Set<string>();
    let sentSoFar = 0;
    const maybeKill = (): void => {
      if (kill !== undefined || sentSoFar < afterBytes || named.size < MEMBERS.length) return;
      const victim = pick();
      kill = victim.kill().then(async () => ({ served: await firstServed(Date.now()), victim }));
    };
    transfer.on('member-status', ({ member }) => { named.add(member); maybeKill(); });
    transfer.on('progress', ({ sent }) => { sentSoFar = sent; maybeKill(); });
    const summary = await transfer.done;
    const killed = await (kill ?? Promise.reject(new Error(`the transfer ended before ${afterBytes} bytes went out: ${JSON.stringify(summary.files)}`)));
    return { summary, served: killed.served, victim: killed.victim };
  }

  /**
   * Group sessions of the small file until one succeeds: when the successful one started (ms after
   * `since`), who served it, and how many failed before it.
   */
  async function firstServed(since: number): Promise<{ startedMs: number; instance: string | undefined; failures: number }> {
    let failures = 0;
    for (;;) {
      const started = Date.now();
      const summary = await need(prober).send({ kind: 'predefined-group', uri: GROUP }, [small]).done;
      if (summary.ok && summary.members?.every((m) => m.status === 'received') === true) return { startedMs: started - since, instance: servedBy(started), failures };
      failures += 1;
      if (Date.now() - since > 15_000) throw new Error(`no session served within 15 s: ${JSON.stringify(summary)}`);
    }
  }

  const noFalseDelivery = (members: readonly MemberOutcome[]): void => {
    for (const m of members) for (const f of m.files) if (f.name === 'big.bin') expect(f.delivered, `${m.member} ${JSON.stringify(f)}`).toBe(false);
  };

  it('a focus killed mid-file: every member reported failed, new sessions on the survivor, the resend completes, the restarted focus serves again', async () => {
    const d = need(deployment);
    // Both instances serve (round robin) before anything fails.
    const warm = [Date.now()];
    expect((await need(sender).send({ kind: 'predefined-group', uri: GROUP }, [small]).done).ok).toBe(true);
    warm.push(Date.now());
    expect((await need(sender).send({ kind: 'predefined-group', uri: GROUP }, [small]).done).ok).toBe(true);
    expect(new Set([servedBy(warm[0] ?? 0), servedBy(warm[1] ?? 0)])).toEqual(new Set(['focus-1', 'focus-2']));

    const bigStart = Date.now();
    const { summary, served, victim } = await sendAndKill(big, 3 * 1024 * 1024, () => {
      const name = servedBy(bigStart);
      const found = d.focus.find((f) => f.name === name);
      if (found === undefined) throw new Error('no focus answered the big session');
      return found;
    });
    expect(summary.ok).toBe(false);
    // Per member: a clear failure, never "delivered" for a file it has no complete copy of.
    expect(summary.members?.map((m) => m.member).sort()).toEqual(MEMBERS);
    for (const m of summary.members ?? []) expect(m.status, JSON.stringify(m)).toBe('failed');
    noFalseDelivery(summary.members ?? []);
    expect(await completeCopies()).toBe(0);

    // New sessions go to the survivor within the probing interval (plus a session's own time).
    const survivor = d.focus.find((f) => f !== victim)?.name;
    // The first session after the kill is already served: an INVITE sent to the dead instance before
    // a probe noticed is failed over by the edge at once.
    expect(served.instance).toBe(survivor);
    expect(served.failures).toBe(0);
    expect(served.startedMs).toBeLessThan(PING_SECONDS * 1000);

    // The resend completes for every member, with the file intact.
    const resent = await need(sender).send({ kind: 'predefined-group', uri: GROUP }, [big]).done;
    expect(resent.ok, JSON.stringify(resent.files)).toBe(true);
    expect(resent.members?.map((m) => m.status)).toEqual(['received', 'received', 'received']);
    expect(await completeCopies()).toBe(3);

    // Restarted at the same address, it is probed back in and takes sessions again.
    await victim.restart();
    const back = Date.now();
    let rejoined = false;
    while (!rejoined && Date.now() - back < 10_000) {
      const started = Date.now();
      expect((await need(sender).send({ kind: 'predefined-group', uri: GROUP }, [small]).done).ok).toBe(true);
      rejoined = servedBy(started) === victim.name;
    }
    expect(rejoined).toBe(true);
  }, 120_000);

  it('a receiver killed mid-file: its members reported failed, the others received; its members move to the survivor, then back after the restart', async () => {
    const d = need(deployment);
    const before = await completeCopies();
    // The receiver that holds the most members (hash over the user part) is the one killed.
    const holders = await Promise.all(d.receivers.map(async (_r, i) => (await readdir(d.inbox(i))).filter((n) => n.startsWith('big')).length));
    const index = holders[0] !== undefined && holders[1] !== undefined && holders[0] >= holders[1] ? 0 : 1;
    const victimReceiver = d.receivers[index];
    if (victimReceiver === undefined) throw new Error('no receiver');
    const { summary, served } = await sendAndKill(big, 3 * 1024 * 1024, () => victimReceiver);
    // The focus itself got the whole file (summary.ok): what counts is each member's outcome.
    const failed = (summary.members ?? []).filter((m) => m.status !== 'received');
    const received = (summary.members ?? []).filter((m) => m.status === 'received');
    expect(failed.length, JSON.stringify(summary.members)).toBe(holders[index]);
    // The focus still holds the member's SIP leg, so it may read 'connected'; its file says why it failed.
    for (const m of failed) {
      expect(['connected', 'failed'], JSON.stringify(m)).toContain(m.status);
      expect(m.files.map((f) => f.delivered)).toEqual([false]);
      expect(m.files[0]?.reason, JSON.stringify(m)).toMatch(/MSRP|connection|focus/);
    }
    noFalseDelivery(failed);
    // Every member reported received has its complete copy: only the survivor's members got one.
    expect(await completeCopies()).toBe(before + received.length);

    // Its members were served by the other receiver from the first session after the kill on.
    expect(served.failures).toBe(0);
    expect(served.startedMs).toBeLessThan(PING_SECONDS * 1000);
    const resent = await need(sender).send({ kind: 'predefined-group', uri: GROUP }, [big]).done;
    expect(resent.ok, JSON.stringify(resent.files)).toBe(true);
    expect(await completeCopies()).toBe(before + received.length + 3);

    // Restarted, the hash sends its members back to it.
    await victimReceiver.restart();
    const inbox = d.inbox(index);
    const count = async (): Promise<number> => (await readdir(inbox)).filter((n) => n.startsWith('small')).length;
    const was = await count();
    const back = Date.now();
    while (Date.now() - back < 10_000 && (await count()) === was) {
      expect((await need(sender).send({ kind: 'predefined-group', uri: GROUP }, [small]).done).ok).toBe(true);
    }
    expect(await count()).toBeGreaterThan(was);
  }, 120_000);
});
