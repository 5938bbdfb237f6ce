// A repeated flood from one loopback address against one receiver process (bench/soak-receiver.ts,
// 128 sessions, 2 s MSRP set-up timer): each round, 127.0.0.2 sends INVITEs under 20 forged From
// identities whose MSRP never comes and opens silent MSRP sockets, while 127.0.0.1 sends a real
// file. Prints the receiver's RSS, descriptors and sessions before, during and after each round.
//
//   node --import tsx bench/per-source-flood.ts [rounds=5] [invites=200] [sockets=100]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createUdpTransport, createUserAgent } from '../runtime/index.ts';
import { createClient } from '../src/client.ts';

const [rounds = 5, invites = 200, socketsPerRound = 100] = process.argv.slice(2).map(Number);
const SETUP_MS = 2000;
const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-flood-bench-'));
const script = fileURLToPath(new URL('./soak-receiver.ts', import.meta.url));
const child = spawn(process.execPath, ['--expose-gc', '--import', import.meta.resolve('tsx'), script, join(dir, 'in'), String(SETUP_MS), '60000', '128'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout });
const waiting: Array<(line: string) => void> = [];
lines.on('line', (line) => waiting.shift()?.(line));

interface Status { rssBytes: number; openSessions: number; heldSessions: number; sipPort: number; msrpPort: number }
const nextLine = (): Promise<string> => new Promise((resolve) => waiting.push(resolve));
const first = JSON.parse(await nextLine()) as Status;
async function status(): Promise<Status & { fds: number }> {
  const line = nextLine();
  child.stdin.write('status\n');
  const s = JSON.parse(await line) as Status;
  return { ...s, fds: readdirSync(`/proc/${child.pid}/fd`).length };
}
const target = `sip:soak@127.0.0.1:${first.sipPort}`;

const offer = (): string => [
  'v=0', `o=- 1 1 IN IP4 127.0.0.2`, 's=-', 'c=IN IP4 127.0.0.2', 't=0 0', 'm=message 9 TCP/MSRP *', 'a=accept-types:*',
  `a=path:msrp://127.0.0.2:9/${randomBytes(8).toString('hex')};tcp`, 'a=setup:active', 'a=sendonly',
  'a=file-selector:name:"squat.bin" type:application/octet-stream size:16', `a=file-transfer-id:${randomBytes(8).toString('hex')}`, '',
].join('\r\n');

async function floodInvites(count: number): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  const identities = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const transport = await createUdpTransport({ host: '127.0.0.2', port: 0 });
    return { transport, ua: createUserAgent({ transports: [transport], localUri: `sip:user${i}@forged${i}.example` }) };
  }));
  await Promise.all(identities.map(async ({ ua }, i) => {
    for (let n = i; n < count; n += identities.length) {
      const result = await ua.invite(target, { body: offer(), contentType: 'application/sdp' });
      statuses[result.response.status] = (statuses[result.response.status] ?? 0) + 1;
    }
  }));
  for (const { ua, transport } of identities) { ua.close(); await transport.close(); }
  return statuses;
}

async function silentSockets(count: number): Promise<Socket[]> {
  return Promise.all(Array.from({ length: count }, () => new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: first.msrpPort, localAddress: '127.0.0.2' }, () => resolve(s));
    s.on('error', () => resolve(s));
  })));
}

const outbox = await mkdtemp(join(tmpdir(), 'cpm-ft-flood-bench-out-'));
const file = join(outbox, 'good.bin');
await writeFile(file, randomBytes(1_000_000));
const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
const mib = (b: number): string => (b / 1048576).toFixed(1);
const row = (label: string, s: Status & { fds: number }, extra = ''): void => {
  console.log(`${label.padEnd(16)} rss ${mib(s.rssBytes).padStart(6)} MiB  fds ${String(s.fds).padStart(4)}  sessions open ${String(s.openSessions).padStart(3)} held ${String(s.heldSessions).padStart(3)}  ${extra}`);
};

row('before', await status());
for (let round = 1; round <= rounds; round++) {
  const sockets = await silentSockets(socketsPerRound);
  const answered = await floodInvites(invites);
  const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  const during = await status();
  const sent = await alice.send({ kind: 'one-recipient', uri: target }, [file]).done;
  row(`round ${round} during`, during, `flood INVITEs ${JSON.stringify(answered)}, silent MSRP kept ${open}/${socketsPerRound}, 127.0.0.1 transfer ${sent.ok ? 'ok' : 'FAILED'}`);
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => setTimeout(resolve, SETUP_MS + 1500));
  row(`round ${round} after`, await status());
}
await alice.close();
child.stdin.end();
await new Promise((resolve) => child.once('exit', resolve));
await rm(dir, { recursive: true, force: true });
await rm(outbox, { recursive: true, force: true });
