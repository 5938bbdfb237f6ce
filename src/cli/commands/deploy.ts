// `cpm-ft deploy`: starts the loopback deployment of docs/deployment.md (Kamailio's dispatcher and
// msrp relay in front of N focus and M receiver processes), prints every address, and runs until
// SIGINT/SIGTERM. The orchestration is deploy/local-deployment.ts (a clone's file, like bench/).
// Exit codes: 0 stopped by a signal, 1 could not start, 2 usage error.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalDeployment, type LocalDeployment } from '../../../deploy/local-deployment.ts';
import type { CliIo } from '../main.ts';
import { processSignals, type SignalName } from './send.ts';

export const deployUsage = `usage: cpm-ft deploy [--focus N] [--receivers M] [--dir DIR] [--sip-port P] [--msrp-port P] [--groups FILE]

  Starts on 127.0.0.1 Kamailio (dispatcher + msrp relay, deploy/kamailio/kamailio.cfg) in front of
  N 'cpm-ft focus' and M 'cpm-ft receive' processes, prints the addresses, runs until Ctrl-C.

  --focus N          focus instances (default 2)
  --receivers M      receiver instances (default 2)
  --dir DIR          working folder: groups.json, dispatcher.list, logs/, inbox/ (default ./cpm-ft-deploy)
  --sip-port P       Kamailio's SIP port, UDP and TCP (default 5060; 0 = any free port)
  --msrp-port P      Kamailio's MSRP relay port, TCP (default 2855; 0 = any free port)
  --groups FILE      the groups file every focus watches (default DIR/groups.json, created with an example)
  --ping SECONDS     seconds between the dispatcher's OPTIONS probes (default 1)
  -h, --help         this help
`;

export interface DeployDeps {
  readonly onSignal?: (handler: (signal: SignalName) => void) => () => void;
  readonly onStarted?: (deployment: LocalDeployment) => void;
}

function count(text: string | undefined, fallback: number, min: number, what: string): number | string {
  if (text === undefined) return fallback;
  if (!/^\d{1,3}$/.test(text) || Number(text) < min) return `${what} expects an integer of at least ${min}, got '${text}'`;
  return Number(text);
}

export function run(args: string[], io: CliIo): Promise<number> {
  return runDeploy(args, io);
}

export async function runDeploy(args: readonly string[], io: CliIo, deps: DeployDeps = {}): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr.write(`cpm-ft deploy: ${message}\n(try 'cpm-ft deploy --help')\n`);
    return 2;
  };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        focus: { type: 'string' }, receivers: { type: 'string' }, dir: { type: 'string' }, 'sip-port': { type: 'string' },
        'msrp-port': { type: 'string' }, groups: { type: 'string' }, ping: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values['help'] === true) {
    io.stdout.write(deployUsage);
    return 0;
  }
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const focus = count(text('focus'), 2, 1, '--focus');
  const receivers = count(text('receivers'), 2, 0, '--receivers');
  const ping = count(text('ping'), 1, 1, '--ping');
  const port = (name: string, fallback: number): number | string => {
    const value = text(name);
    if (value === undefined) return fallback;
    return /^\d{1,5}$/.test(value) && Number(value) <= 65535 ? Number(value) : `--${name} expects a port number (0-65535), got '${value}'`;
  };
  const sipPort = port('sip-port', 5060);
  const msrpPort = port('msrp-port', 2855);
  for (const v of [focus, receivers, ping, sipPort, msrpPort]) if (typeof v === 'string') return usageError(v);

  const dir = resolve(io.cwd, text('dir') ?? 'cpm-ft-deploy');
  const groups = text('groups');
  let deployment: LocalDeployment;
  try {
    deployment = await startLocalDeployment({
      focus: focus as number, receivers: receivers as number, dir,
      sipPort: sipPort as number, msrpPort: msrpPort as number, pingIntervalSeconds: ping as number,
      ...(groups === undefined ? {} : { groupsFile: resolve(io.cwd, groups) }),
    });
  } catch (error) {
    io.stderr.write(`cpm-ft deploy: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  const lines = [
    `edge      kamailio  sip:127.0.0.1:${deployment.sipPort} (udp, tcp)  msrp relay ${deployment.msrpRelayUri}  pid ${deployment.edge.pid ?? '?'}`,
    ...deployment.focus.map((f) => `focus     ${f.name.padEnd(9)} sip:127.0.0.1:${f.port};transport=tcp  pid ${f.pid ?? '?'}`),
    ...deployment.receivers.map((r, i) => `receiver  ${r.name.padEnd(9)} sip:127.0.0.1:${r.port};transport=tcp  pid ${r.pid ?? '?'}  files -> ${deployment.inbox(i)}`),
    `groups    ${deployment.groupsFile} (watched by every focus)`,
    `logs      ${dir}/logs/`,
    `relay password (MSRP AUTH): ${deployment.msrpPassword}`,
    '',
    `send to a group:  cpm-ft send --proxy '${deployment.proxyUri}' --transport tcp --from sip:you@127.0.0.1 --group sip:team@groups.cpm.test FILE`,
    'Ctrl-C stops everything.',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  deps.onStarted?.(deployment);

  await new Promise<void>((done) => {
    const unsubscribe = (deps.onSignal ?? processSignals)(() => {
      unsubscribe();
      done();
    });
  });
  await deployment.stop();
  return 0;
}
