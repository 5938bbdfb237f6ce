// cpm-ft on a real SIP network, all on loopback: Kamailio (test/interop/kamailio/registrar.cfg) is
// registrar and proxy for example.test with digest authentication, dnsmasq the DNS server of the
// zone (NAPTR -> SRV -> A). The receiver registers sip:bob@example.test (401 answered); the sender
// knows only that AOR: RFC 3263 finds Kamailio, which challenges the INVITE (407) and routes it by
// lookup("location") to the receiver's Contact. Also: the refresh on the wire, SRV failover past a
// dead target, a wrong password failing at once, and the CLI (receive --register, SIGTERM
// unregisters; send with only the AOR).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, describe } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { CpmClient, SipTransportName } from '../../src/client-types.ts';
import { cliExitCode, runCli } from '../helpers/cli-process.ts';
import { killTrackedChildren, stopChild } from '../helpers/child-process-registry.ts';
import { startDnsmasq, type DnsmasqRun } from '../helpers/dnsmasq.ts';
import { startKamailio, type KamailioRun } from '../helpers/kamailio.ts';
import { describeWithPeers } from '../helpers/system-peers.ts';
import { freePort } from '../helpers/wait-for-port.ts';

const PW_BOB = 'bob-Secret-1';
const PW_ALICE = 'alice-Secret-2';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await killTrackedChildren();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-registrar-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function kamailio(defines: Record<string, string | number> = {}): Promise<KamailioRun> {
  const run = await startKamailio({ config: 'registrar.cfg', transports: ['udp', 'tcp'], defines: { PW_BOB, PW_ALICE, ...defines } });
  cleanups.push(() => run.stop());
  return run;
}

/** example.test: NAPTR for UDP and TCP, SRV for each (`srv` lists extra/replacement targets), kam -> 127.0.0.1. */
async function zone(port: number, srv?: readonly string[]): Promise<DnsmasqRun> {
  const dns = await startDnsmasq({
    naptr: ['example.test,10,10,s,SIP+D2T,,_sip._tcp.example.test', 'example.test,20,10,s,SIP+D2U,,_sip._udp.example.test'],
    srv: srv ?? [`_sip._tcp.example.test,kam.example.test,${port},10,0`, `_sip._udp.example.test,kam.example.test,${port},10,0`],
    hosts: ['kam.example.test,127.0.0.1', 'dead.example.test,127.0.0.1'],
  });
  cleanups.push(() => dns.stop());
  return dns;
}

/** A self-signed certificate for 127.0.0.1, trusted by both clients, served by Kamailio too. */
async function certificate(): Promise<{ dir: string; key: Buffer; cert: Buffer }> {
  const dir = await tempDir();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { dir, key: await readFile(join(dir, 'k.pem')), cert: await readFile(join(dir, 'c.pem')) };
}

async function client(user: 'bob' | 'alice', transport: SipTransportName, dns: DnsmasqRun, password?: string, tls?: { key: Buffer; cert: Buffer }): Promise<CpmClient> {
  const c = await createClient({
    ...(tls === undefined ? {} : { tls: { key: tls.key, cert: tls.cert, ca: tls.cert } }),
    localUri: `sip:${user}@example.test`,
    sip: { host: '127.0.0.1', port: 0, transport },
    auth: { username: user, password: password ?? (user === 'bob' ? PW_BOB : PW_ALICE) },
    dns: { server: dns.server },
    sipTimers: { T1: 100 },
  });
  cleanups.push(() => c.close());
  return c;
}

const registerLines = (k: KamailioRun, expires?: number): number =>
  k.log().split('\n').filter((l) => l.includes('registrar: REGISTER sip:bob@example.test') && (expires === undefined || l.includes(`expires ${expires} `))).length;

const until = async (check: () => boolean, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describeWithPeers(['kamailio', 'dnsmasq'], 'cpm-ft through a Kamailio registrar with digest authentication and RFC 3263 DNS', () => {
  describe.each(['udp', 'tcp'] as const)('over %s', (transport) => {
    it('a registered receiver gets a file sent to its AOR only; the binding is refreshed and removed', async () => {
      const k = await kamailio();
      const dns = await zone(k.port);
      const inbox = await tempDir();
      const bob = await client('bob', transport, dns);
      bob.receive({ dir: inbox });
      const registration = await bob.register({ expires: 4 });
      expect(registration.state).toBe('registered');
      expect(registration.contact).toContain(`:${bob.sipAddress.port}`);
      // The refresh reaches the registrar halfway through the 4 s binding.
      const refreshed = new Promise<void>((resolve) => registration.on((e) => { if (e.state === 'registered' && e.refresh) resolve(); }));

      const alice = await client('alice', transport, dns);
      const file = join(inbox, '..', `note-${transport}.txt`);
      await writeFile(file, 'through the registrar\n'.repeat(500));
      cleanups.push(() => rm(file, { force: true }));
      const summary = await alice.send({ kind: 'one-recipient', uri: 'sip:bob@example.test' }, [file]).done;
      expect(summary.ok, JSON.stringify(summary.files)).toBe(true);
      expect(await readFile(join(inbox, `note-${transport}.txt`), 'utf8')).toBe('through the registrar\n'.repeat(500));
      // Kamailio challenged both: the REGISTER (401) and the INVITE (407).
      expect(k.log()).toMatch(/registrar: challenge REGISTER sip:bob@example\.test cseq /);
      expect(k.log()).toMatch(/proxy: challenge INVITE sip:bob@example\.test/);
      expect(k.log()).toMatch(/proxy: INVITE to sip:bob@127\.0\.0\.1:/);

      await refreshed;
      expect(registerLines(k, 4)).toBeGreaterThanOrEqual(2);
      // An INVITE for somebody else reaching bob's Contact directly: 404 (RFC 3261 §8.2.2.1).
      const suffix = transport === 'tcp' ? ';transport=tcp' : '';
      const stray = await alice.send({ kind: 'one-recipient', uri: `sip:nobody@127.0.0.1:${bob.sipAddress.port}${suffix}` }, [file]).done;
      expect(stray.ok).toBe(false);
      expect(JSON.stringify(stray.files)).toContain('404');
      await registration.unregister();
      expect(registerLines(k, 0)).toBe(1);
    }, 60_000);
  });

  it('over TLS: sips flows to Kamailio found by a SIPS+D2T NAPTR, both sides authenticated', async () => {
    const tls = await certificate();
    const tlsConfig = join(tls.dir, 'tls.cfg');
    await writeFile(tlsConfig, `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = ${join(tls.dir, 'k.pem')}\ncertificate = ${join(tls.dir, 'c.pem')}\n\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n`);
    const tlsPort = await freePort('tcp');
    const k = await startKamailio({ config: 'registrar.cfg', transports: ['udp', 'tcp'], tlsPort, defines: { PW_BOB, PW_ALICE, WITH_TLS: 1, TLS_CONFIG: tlsConfig } });
    cleanups.push(() => k.stop());
    const dns = await startDnsmasq({
      naptr: ['example.test,10,10,s,SIPS+D2T,,_sips._tcp.example.test'],
      srv: [`_sips._tcp.example.test,kam.example.test,${tlsPort},10,0`],
      hosts: ['kam.example.test,127.0.0.1'],
    });
    cleanups.push(() => dns.stop());
    const inbox = await tempDir();
    const bob = await client('bob', 'tls', dns, undefined, tls);
    bob.receive({ dir: inbox });
    await bob.register({ expires: 60 });
    const alice = await client('alice', 'tls', dns, undefined, tls);
    const file = join(tls.dir, 'over-tls.txt');
    await writeFile(file, 'secret figures\n'.repeat(300));
    const summary = await alice.send({ kind: 'one-recipient', uri: 'sip:bob@example.test' }, [file]).done;
    expect(summary.ok, JSON.stringify(summary.files)).toBe(true);
    expect(await readFile(join(inbox, 'over-tls.txt'), 'utf8')).toBe('secret figures\n'.repeat(300));
    expect(k.log()).toMatch(/registrar: REGISTER sip:bob@example\.test expires 60 from 127\.0\.0\.1:\d+\/tls/);
    expect(k.log()).toMatch(/proxy: challenge INVITE sip:bob@example\.test from 127\.0\.0\.1:\d+\/tls/);
  }, 60_000);

  it('fails over to the next SRV target when the first is down', async () => {
    const k = await kamailio();
    const dead = await freePort('tcp');
    const dns = await zone(k.port, [`_sip._tcp.example.test,dead.example.test,${dead},10,0`, `_sip._tcp.example.test,kam.example.test,${k.port},20,0`, `_sip._udp.example.test,kam.example.test,${k.port},10,0`]);
    const bob = await client('bob', 'tcp', dns);
    const registration = await bob.register({ expires: 60 });
    expect(registration.state).toBe('registered');
    // Kamailio's log reaches us through a pipe and may trail its 200 OK.
    await until(() => registerLines(k) >= 1, 5000, 'the registrar to log the REGISTER');
    expect(registerLines(k)).toBe(1);
  }, 30_000);

  it('a wrong password fails at once with an error naming the realm', async () => {
    const k = await kamailio();
    const dns = await zone(k.port);
    const bob = await client('bob', 'udp', dns, 'not-the-password');
    const error = await bob.register({ expires: 60 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_SIP_AUTH_REJECTED', message: expect.stringContaining('realm "example.test"') });
    // One answer per challenge, then the error: the registrar challenged two REGISTERs (CSeq numbers), the
    // first without credentials and the retry with the wrong ones; a client that kept retrying would show more.
    // Kamailio's log reaches us through a pipe and may trail its replies: wait for both lines, then a moment more.
    const challenged = (): Set<string> => new Set(k.log().split('\n').flatMap((l) => /registrar: challenge REGISTER sip:bob@example\.test cseq (\d+)/.exec(l)?.[1] ?? []));
    await until(() => challenged().size >= 2, 5000, 'the registrar to log both challenges');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(challenged().size).toBe(2);
  }, 30_000);

  it('CLI: receive --register and send with only the AOR; SIGTERM unregisters', async () => {
    const k = await kamailio({ WITH_SHA256: 1 });
    const dns = await zone(k.port);
    const dir = await tempDir();
    const receiver = runCli(
      ['receive', '--sip', '127.0.0.1:0', '--transport', 'tcp', '--dir', join(dir, 'in'), '--uri', 'sip:bob@example.test', '--register', '--register-expires', '60', '--auth-user', 'bob', '--dns-server', dns.server],
      { cwd: dir, env: { CPM_FT_SIP_PASSWORD: PW_BOB } },
    );
    await until(() => receiver.out().includes('registered sip:bob@example.test'), 30_000, `the receiver to register (stdout: ${receiver.out()} stderr: ${receiver.err()})`);
    await writeFile(join(dir, 'report.txt'), 'sent to an address of record\n');
    await writeFile(join(dir, 'alice.pw'), `${PW_ALICE}\n`);
    const sender = runCli(
      ['send', '--from', 'sip:alice@example.test', '--to', 'sip:bob@example.test', '--transport', 'tcp', '--auth-user', 'alice', '--auth-password-file', 'alice.pw', '--dns-server', dns.server, 'report.txt'],
      { cwd: dir },
    );
    expect(await cliExitCode(sender, 60_000), `${sender.out()}\n${sender.err()}`).toBe(0);
    expect(await readFile(join(dir, 'in', 'report.txt'), 'utf8')).toBe('sent to an address of record\n');
    // Kamailio challenged with SHA-256 (RFC 8760) and accepted the answer; the password never printed.
    expect(k.log()).toMatch(/registrar: REGISTER sip:bob@example\.test expires 60 .*algorithm=SHA-256/);
    expect(receiver.out() + receiver.err() + sender.out() + sender.err()).not.toContain(PW_BOB);
    await stopChild(receiver.child, 'SIGTERM', 10_000);
    await until(() => registerLines(k, 0) === 1, 5000, 'the unregister (Expires: 0)');
  }, 120_000);
});
