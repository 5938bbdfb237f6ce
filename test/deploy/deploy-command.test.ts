// `cpm-ft deploy`: usage errors exit 2 with the reason; a real start of one focus behind Kamailio
// prints every address, answers the dispatcher's probes, and stops everything on a (fake) signal.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/cli/commands/deploy.ts';
import type { LocalDeployment } from '../../deploy/local-deployment.ts';
import { memoryIo } from '../cli/helpers/memory-io.ts';
import { describeWithPeers } from '../helpers/system-peers.ts';

describe('cpm-ft deploy', () => {
  it.each([
    [['--focus', '0'], '--focus expects an integer of at least 1'],
    [['--receivers', 'two'], "--receivers expects an integer of at least 0, got 'two'"],
    [['--sip-port', '70000'], '--sip-port expects a port number'],
    [['--ping', '0'], '--ping expects an integer of at least 1'],
    [['--bogus'], 'Unknown option'],
  ])('exits 2 on %j', async (args, message) => {
    const io = memoryIo(tmpdir());
    expect(await runDeploy(args, io)).toBe(2);
    expect(io.stderr.text).toContain(message);
  });
});

describeWithPeers(['kamailio'], 'cpm-ft deploy with Kamailio', () => {
  let dir = '';
  afterEach(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

  it('starts Kamailio and a focus on free ports, prints them, and stops on a signal', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cpm-ft-deploy-cli-'));
    const io = memoryIo(dir);
    let stop: (() => void) | undefined;
    let started: LocalDeployment | undefined;
    const exit = runDeploy(['--focus', '1', '--receivers', '0', '--sip-port', '0', '--msrp-port', '0', '--dir', 'here'], io, {
      onSignal: (handler) => { stop = () => handler('SIGINT'); return () => { stop = undefined; }; },
      onStarted: (d) => { started = d; },
    });
    for (let i = 0; i < 1200 && started === undefined && io.stderr.text === ''; i++) await new Promise((r) => setTimeout(r, 50));
    expect(io.stderr.text).toBe('');
    const d = started;
    if (d === undefined) throw new Error('not started');
    expect(io.stdout.text).toContain(`edge      kamailio  sip:127.0.0.1:${d.sipPort} (udp, tcp)`);
    expect(io.stdout.text).toContain(`focus     focus-1   sip:127.0.0.1:${d.focus[0]?.port ?? 0};transport=tcp`);
    expect(io.stdout.text).toContain(`--proxy '${d.proxyUri}'`);
    // The example groups file was written, and the dispatcher list names the focus in set 1.
    expect(JSON.parse(await readFile(join(dir, 'here', 'groups.json'), 'utf8'))).toHaveProperty(['sip:team@groups.cpm.test']);
    expect(await readFile(join(dir, 'here', 'dispatcher.list'), 'utf8')).toContain(`1 sip:127.0.0.1:${d.focus[0]?.port ?? 0};transport=tcp`);
    stop?.();
    expect(await exit).toBe(0);
    expect(d.edge.alive).toBe(false);
    expect(d.focus[0]?.alive).toBe(false);
  }, 90_000);
});
