// SIGTERM to the long-running commands, as real processes on loopback, at the points where a
// shutdown used to hang or leave files behind: mid-transfer, in a session of many m-lines, while
// the INVITE waits for an answer and while a re-INVITE is pending. Each must exit (a generous 10 s
// bound: the cap in the code is 1.5 s, the hangs it replaces were Timer B's 32 s or for ever),
// with 143, naming the files it interrupted, and leave no temporary part anywhere; a receiver with
// nothing arriving exits 0.
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createUdpTransport, createUserAgent, type UserAgent } from '../../runtime/index.ts';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { cliExitCode, runCli, type CliRun } from '../helpers/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-sigterm-'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await killTrackedChildren();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Not a timing criterion: only long enough to tell "exited on the signal" from a 32 s timer.
const EXIT_BOUND_MS = 10_000;
const cli = (args: string[]): CliRun => runCli(args, { cwd: root });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => T | undefined | false, run?: CliRun, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${run === undefined ? '' : `\nstdout: ${run.out()}\nstderr: ${run.err()}`}`);
    await sleep(25);
  }
}

/** Hidden temporary parts (`.cpm-*.part`) and temp files: none may outlive the command. */
const parts = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.part') || name.endsWith('.tmp'));
const partBytes = (dir: string): number => parts(dir).reduce((sum, name) => { try { return sum + statSync(join(dir, name)).size; } catch { return sum; } }, 0);

function folder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A sparse file, cheap to create. Its size is what the sender hashes before the offer (the whole
 * file read, ~1 s of CPU per GiB), so it is kept well below what would be mid-transfer for
 * seconds; terminateMidTransfer holds the transfer open instead.
 */
function bigFile(dir: string, name: string, bytes = 256 * 1024 * 1024): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

/**
 * SIGTERM to `target` while the transfer is surely still running: `peer`, the other end of the MSRP
 * data, is stopped first, so the bytes still to come cannot all cross loopback before the signal is
 * handled (on an idle machine a few hundred MiB take well under a second). It is continued shortly
 * after, so the shutdown still meets a live peer (its BYE answered, the part dropped there).
 */
async function terminateMidTransfer(target: CliRun, peer: CliRun): Promise<void> {
  peer.child.kill('SIGSTOP');
  try {
    target.child.kill('SIGTERM');
    await sleep(200);
  } finally {
    peer.child.kill('SIGCONT');
  }
}

async function startReceiver(inbox: string, extra: string[] = []): Promise<CliRun & { uri: string }> {
  const run = cli(['receive', '--sip', '127.0.0.1:0', '--transport', 'tcp', '--dir', inbox, ...extra]);
  const port = await until('the receiver to listen', () => /listening on sip:127\.0\.0\.1:(\d+);transport=tcp/.exec(run.out())?.[1], run);
  return { ...run, uri: `sip:bob@127.0.0.1:${port};transport=tcp` };
}

async function startServer(dir: string): Promise<CliRun & { uri: string }> {
  const run = cli(['serve', '--sip', '127.0.0.1:0', '--transport', 'tcp', '--dir', dir]);
  const port = await until('the server to listen', () => /on sip:127\.0\.0\.1:(\d+);transport=tcp/.exec(run.out())?.[1], run);
  return { ...run, uri: `sip:bob@127.0.0.1:${port};transport=tcp` };
}

/**
 * A UDP peer that rings and never answers: each INVITE gets a 180 (so the INVITE may be
 * cancelled, RFC 3261 §9.1), nothing gets a final response.
 */
async function ringingPeer(): Promise<{ port: number; heard: () => string }> {
  const socket: Socket = createSocket('udp4');
  let heard = '';
  socket.on('message', (data, from) => {
    const text = data.toString('latin1');
    heard += text;
    if (!text.startsWith('INVITE ')) return;
    const header = (name: string): string[] => text.split('\r\n').filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    const to = header('To').map((line) => `${line};tag=ringing`);
    const ringing = ['SIP/2.0 180 Ringing', ...header('Via'), ...header('From'), ...to, ...header('Call-ID'), ...header('CSeq'), 'Content-Length: 0', '', ''].join('\r\n');
    socket.send(ringing, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, heard: () => heard };
}

const send = (to: string, files: string[]): CliRun => cli(['send', '--no-resume', '--no-icon', '--transport', to.includes('transport=tcp') ? 'tcp' : 'udp', '--from', 'sip:alice@127.0.0.1', '--to', to, ...files]);

describe('cpm-ft send on SIGTERM', () => {
  it('mid-transfer of a large file: exits 143 naming the file; the receiver keeps no part of it', async () => {
    const inbox = folder('send-big-in');
    const receiver = await startReceiver(inbox);
    const file = bigFile(folder('send-big-src'), 'big.bin');
    const sender = send(receiver.uri, [file]);
    await until('bytes of big.bin at the receiver', () => partBytes(inbox) > 1_000_000, sender, 60_000);
    await terminateMidTransfer(sender, receiver);
    expect(await cliExitCode(sender, EXIT_BOUND_MS)).toBe(143);
    expect(sender.err()).toMatch(/^file transfer failed: interrupted by SIGTERM: big\.bin (cancelled|interrupted)/m);
    await until('the receiver to drop the part', () => parts(inbox).length === 0, receiver, EXIT_BOUND_MS);
    expect(readdirSync(inbox)).toEqual([]);
  }, 120_000);

  it('in a session of 60 m-lines: exits 143 naming every file that had not arrived', async () => {
    const inbox = folder('send-many-in');
    const receiver = await startReceiver(inbox, ['--max-mlines-per-session', '100', '--max-open-files-per-session', '100']);
    const src = folder('send-many-src');
    const files = Array.from({ length: 60 }, (_, i) => bigFile(src, `f${String(i).padStart(2, '0')}.bin`, 2 * 1024 * 1024));
    const sender = send(receiver.uri, files);
    await until('parts at the receiver', () => partBytes(inbox) > 1_000_000, sender, 60_000);
    await terminateMidTransfer(sender, receiver);
    expect(await cliExitCode(sender, EXIT_BOUND_MS)).toBe(143);
    const line = /^file transfer failed: interrupted by SIGTERM: (.+) (cancelled|interrupted)/m.exec(sender.err());
    expect(line, sender.err()).not.toBeNull();
    const named = new Set(line?.[1]?.split(', '));
    const confirmed = new Set([...sender.out().matchAll(/^sent (\S+) sha-1 /gm)].map((m) => m[1]));
    await until('the receiver to drop every part', () => parts(inbox).length === 0, receiver, EXIT_BOUND_MS);
    const arrived = readdirSync(inbox).filter((name) => !name.startsWith('.'));
    // A file the sender reported sent is at the receiver and not named; every other file is named as
    // interrupted, so none is lost without a word. (A named file may still have arrived: its last
    // bytes can be published at the receiver while the confirmation is on its way back.)
    expect(named.size).toBeGreaterThan(0);
    for (let i = 0; i < 60; i++) {
      const name = `f${String(i).padStart(2, '0')}.bin`;
      if (confirmed.has(name)) {
        expect(arrived, name).toContain(name);
        expect(named.has(name), name).toBe(false);
      } else {
        expect(named.has(name), `${name} neither reported sent nor named:\n${sender.err()}`).toBe(true);
      }
    }
  }, 120_000);

  it('while the INVITE rings unanswered: CANCEL sent, exits 143 naming the file', async () => {
    const peer = await ringingPeer();
    const file = join(folder('send-silent-src'), 'a.txt');
    writeFileSync(file, 'hello');
    const sender = send(`sip:nobody@127.0.0.1:${peer.port}`, [file]);
    await until('the INVITE', () => peer.heard().startsWith('INVITE '), sender);
    sender.child.kill('SIGTERM');
    expect(await cliExitCode(sender, EXIT_BOUND_MS)).toBe(143);
    expect(sender.err()).toMatch(/^file transfer failed: interrupted by SIGTERM: a\.txt (cancelled|interrupted)/m);
    expect(peer.heard()).toMatch(/^CANCEL /m);
  }, 60_000);
});

describe('cpm-ft receive on SIGTERM', () => {
  it('mid-transfer: exits 143 naming the arriving file, its part removed', async () => {
    const inbox = folder('receive-mid-in');
    const receiver = await startReceiver(inbox);
    const file = bigFile(folder('receive-mid-src'), 'big.bin');
    const sender = send(receiver.uri, [file]);
    await until('bytes of big.bin at the receiver', () => partBytes(inbox) > 1_000_000, sender, 60_000);
    await terminateMidTransfer(receiver, sender);
    expect(await cliExitCode(receiver, EXIT_BOUND_MS)).toBe(143);
    expect(receiver.err()).toMatch(/^cpm-ft receive: interrupted by SIGTERM: big\.bin \(their parts removed\)$/m);
    // Reported once, as interrupted, not again as a failed file.
    expect(receiver.out()).not.toMatch(/^failed big\.bin/m);
    expect(readdirSync(inbox)).toEqual([]);
    expect(await cliExitCode(sender, 40_000)).not.toBe(0);
  }, 120_000);

  it('idle, after a file arrived in full: exits 0 and names nothing', async () => {
    const inbox = folder('receive-idle-in');
    const receiver = await startReceiver(inbox);
    const file = join(folder('receive-idle-src'), 'small.txt');
    writeFileSync(file, 'hello');
    const sender = send(receiver.uri, [file]);
    expect(await cliExitCode(sender, 40_000)).toBe(0);
    await until('the receiver to report small.txt', () => /^received small\.txt 5 bytes/m.test(receiver.out()), receiver);
    receiver.child.kill('SIGTERM');
    expect(await cliExitCode(receiver, EXIT_BOUND_MS)).toBe(0);
    expect(receiver.out()).toMatch(/^SIGTERM: shutting down$/m);
    expect(receiver.err()).not.toMatch(/interrupted/);
    expect(readdirSync(inbox)).toEqual(['small.txt']);
  }, 60_000);
});

describe('cpm-ft serve and pull on SIGTERM', () => {
  const selector = (name: string, bytes: number): string => `name:"${name}" size:${bytes}`;

  it('serve mid-transfer: exits 143 naming the file; the puller fails and keeps no part', async () => {
    const served = folder('serve-src');
    bigFile(served, 'big.bin');
    const server = await startServer(served);
    const inbox = folder('serve-pull-in');
    const pull = cli(['pull', '--transport', 'tcp', '--from', server.uri, '--dir', inbox, '--selector', selector('big.bin', 256 * 1024 * 1024)]);
    await until('bytes of big.bin at the puller', () => partBytes(inbox) > 1_000_000, pull, 60_000);
    await terminateMidTransfer(server, pull);
    expect(await cliExitCode(server, EXIT_BOUND_MS)).toBe(143);
    expect(server.err()).toMatch(/^cpm-ft serve: interrupted by SIGTERM: big\.bin$/m);
    expect(await cliExitCode(pull, 40_000)).toBe(1);
    expect(readdirSync(inbox)).toEqual([]);
  }, 120_000);

  it('pull mid-transfer: exits 143 naming what was not pulled; no part left', async () => {
    const served = folder('pull-src');
    bigFile(served, 'big.bin');
    const server = await startServer(served);
    const inbox = folder('pull-in');
    const pull = cli(['pull', '--transport', 'tcp', '--from', server.uri, '--dir', inbox, '--selector', selector('big.bin', 256 * 1024 * 1024)]);
    await until('bytes of big.bin at the puller', () => partBytes(inbox) > 1_000_000, pull, 60_000);
    await terminateMidTransfer(pull, server);
    expect(await cliExitCode(pull, EXIT_BOUND_MS)).toBe(143);
    expect(pull.err()).toMatch(/^cpm-ft pull: interrupted by SIGTERM: "name:\\"big\.bin\\" size:268435456" not pulled/m);
    expect(readdirSync(inbox)).toEqual([]);
  }, 120_000);

  it('pull while the INVITE rings unanswered: CANCEL sent, exits 143, no part left', async () => {
    const peer = await ringingPeer();
    const inbox = folder('pull-silent-in');
    const pull = cli(['pull', '--from', `sip:nobody@127.0.0.1:${peer.port}`, '--dir', inbox, '--selector', selector('a.txt', 5)]);
    await until('the INVITE', () => peer.heard().startsWith('INVITE '), pull);
    pull.child.kill('SIGTERM');
    expect(await cliExitCode(pull, EXIT_BOUND_MS)).toBe(143);
    expect(pull.err()).toMatch(/^cpm-ft pull: interrupted by SIGTERM: "name:\\"a\.txt\\" size:5" not pulled/m);
    expect(peer.heard()).toMatch(/^CANCEL /m);
    expect(readdirSync(inbox)).toEqual([]);
  }, 60_000);

  it('pull while a re-INVITE is pending: BYE sent, exits 143 naming both files, no part left', async () => {
    // A peer that has no first file (its m-line answered with port 0) and never answers the
    // re-INVITE asking for the second.
    const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    let reinvited = false;
    let byed = false;
    const ua: UserAgent = createUserAgent({
      transports: [transport],
      localUri: 'sip:bob@127.0.0.1',
      delegate: {
        onInvite: (incoming) => void incoming.accept('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 0 TCP/MSRP *\r\n', 'application/sdp'),
        onReinvite: () => { reinvited = true; },
        onBye: () => { byed = true; },
      },
    });
    cleanups.push(async () => { ua.close(); await transport.close(); });
    const inbox = folder('pull-reinvite-in');
    const pull = cli(['pull', '--from', `sip:bob@127.0.0.1:${transport.local.port}`, '--dir', inbox, '--selector', selector('a.txt', 5), '--selector', selector('b.txt', 7)]);
    await until('the re-INVITE', () => reinvited, pull);
    pull.child.kill('SIGTERM');
    expect(await cliExitCode(pull, EXIT_BOUND_MS)).toBe(143);
    expect(pull.err()).toMatch(/^cpm-ft pull: interrupted by SIGTERM: "name:\\"a\.txt\\" size:5", "name:\\"b\.txt\\" size:7" not pulled/m);
    await until('the BYE', () => byed, pull, 5000);
    expect(readdirSync(inbox)).toEqual([]);
  }, 60_000);
});
