// Runs dnsmasq in the foreground as the authoritative DNS server of a test zone, on a random
// loopback UDP port: no /etc/resolv.conf, no /etc/hosts, no config file, no pid file, answering
// only the NAPTR, SRV and A records the test gives (RFC 3263 server location tests).
import { spawn } from 'node:child_process';
import { CpmError } from '../../runtime/errors.ts';
import { stopChild, trackChild } from './child-process-registry.ts';
import { peerCommand } from './system-peer-lookup.ts';
import { freePort } from './wait-for-port.ts';

export interface DnsZone {
  /** `name,order,preference,flags,service,regexp,replacement` as dnsmasq's --naptr-record takes it. */
  readonly naptr?: readonly string[];
  /** `_service._proto.name,target,port,priority,weight` (--srv-host). */
  readonly srv?: readonly string[];
  /** `name,address` (--host-record). */
  readonly hosts?: readonly string[];
}

export interface DnsmasqRun {
  /** `127.0.0.1:PORT`, for --dns-server / the client's dns option. */
  readonly server: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startDnsmasq(zone: DnsZone): Promise<DnsmasqRun> {
  // dnsmasq listens on the port over UDP and TCP alike, and the port is only known free when it was picked:
  // another test's socket can take it (on either protocol) before dnsmasq binds. Then try another port.
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(zone, await freePort('udp'));
    if (started.ok) return started.run;
    if (!/Address already in use/.test(started.stderr) || attempt === 5) {
      throw new CpmError('ERR_TEST_DNSMASQ', `dnsmasq did not start: ${started.stderr.slice(-2000)}`);
    }
  }
}

type StartResult = { readonly ok: true; readonly run: DnsmasqRun } | { readonly ok: false; readonly stderr: string };

async function startOnce(zone: DnsZone, port: number): Promise<StartResult> {
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll',
    '--listen-address=127.0.0.1', '--bind-interfaces', `--port=${port}`, '--pid-file=', '--user=root',
    '--log-queries', '--log-facility=-', '--local=/test/',
    ...(zone.naptr ?? []).map((r) => `--naptr-record=${r}`),
    ...(zone.srv ?? []).map((r) => `--srv-host=${r}`),
    ...(zone.hosts ?? []).map((r) => `--host-record=${r}`),
  ];
  const child = trackChild(spawn(peerCommand('dnsmasq'), args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  // Ready when it says it started (dnsmasq logs "started, version ..." once listening).
  const deadline = Date.now() + 5000;
  while (!/started, version/.test(stderr)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child, 'SIGKILL');
      return { ok: false, stderr };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ok: true, run: { server: `127.0.0.1:${port}`, log: () => stderr, stop: () => stopChild(child, 'SIGTERM', 2000) } };
}
