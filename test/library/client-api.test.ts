// The library surface a SIP.js / JsSIP user expects, between two real clients over loopback TCP:
// once/off, a receive() handle that stops receiving, a receiving folder checked at start, icons
// chosen per send, FileFailure codes, and the `complete` log event naming the file and its hash.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, isCpmError, type CpmClient, type IncomingTransferEvents, type LogEvent } from '../../src/index.ts';

let root: string;
const clients: CpmClient[] = [];
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cpm-ft-client-api-')); });
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  rmSync(root, { recursive: true, force: true });
});

async function client(name: string, log?: (e: LogEvent) => void): Promise<CpmClient> {
  const c = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, autoIcons: false, ...(log ? { log } : {}) });
  clients.push(c);
  return c;
}
const to = (c: CpmClient) => ({ kind: 'one-recipient' as const, uri: `sip:bob@127.0.0.1:${c.sipAddress.port};transport=tcp` });
function file(name: string, text = `contents of ${name}\n`): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

describe('events: once and off', () => {
  it('a once listener hears one event, an off listener none, on hears them all', async () => {
    const bob = await client('bob');
    const alice = await client('alice');
    mkdirSync(join(root, 'in'));
    bob.receive({ dir: join(root, 'in') });
    const all: string[] = [];
    const first: string[] = [];
    const removed: string[] = [];
    const removedListener = (e: IncomingTransferEvents['offer']): void => void removed.push(e.name);
    bob.on('offer', (e) => all.push(e.name)).once('offer', (e) => first.push(e.name)).on('offer', removedListener).off('offer', removedListener);
    const transfer = alice.send(to(bob), [file('a.txt'), file('b.txt')]);
    const completed: string[] = [];
    const firstDone: string[] = [];
    const dropped = (): void => void completed.push('never');
    transfer.on('file-complete', (r) => completed.push(r.name)).once('file-complete', (r) => firstDone.push(r.name)).on('file-complete', dropped).off('file-complete', dropped);
    expect((await transfer.done).ok).toBe(true);
    expect(all).toEqual(['a.txt', 'b.txt']);
    expect(first).toEqual(['a.txt']);
    expect(removed).toEqual([]);
    expect(completed).toEqual(['a.txt', 'b.txt']);
    expect(firstDone).toEqual(['a.txt']);
  });
});

describe('receive(): a handle, and a folder checked at start', () => {
  it('stop() ends receiving: a later offer is refused with 480', async () => {
    const bob = await client('bob');
    const alice = await client('alice');
    mkdirSync(join(root, 'in'));
    const handle = bob.receive({ dir: join(root, 'in') });
    expect(handle.dir).toBe(join(root, 'in'));
    expect((await alice.send(to(bob), [file('before.txt')]).done).ok).toBe(true);
    await handle.stop();
    await handle.stop();
    const after = await alice.send(to(bob), [file('after.txt')]).done;
    expect(after.ok).toBe(false);
    expect(after.files[0]?.failure).toMatchObject({ source: 'sip-response', status: 480, code: 'ERR_SIP_REJECTED' });
  });

  it('a folder that is missing or not a folder fails receive() at once with ERR_RECEIVE_DIR', async () => {
    const bob = await client('bob');
    writeFileSync(join(root, 'plain'), 'x');
    for (const [dir, why] of [[join(root, 'missing'), 'it does not exist (ENOENT)'], [join(root, 'plain'), 'it is not a folder (ENOTDIR)']] as const) {
      let error: unknown;
      try { bob.receive({ dir }); } catch (e) { error = e; }
      expect(isCpmError(error, 'ERR_RECEIVE_DIR')).toBe(true);
      expect((error as Error).message).toBe(`receive: cannot write received files into ${dir}: ${why}`);
    }
  });

  const canMount = (() => {
    try { execFileSync('mount', ['--version'], { stdio: 'ignore' }); return process.getuid?.() === 0; } catch { return false; }
  })();
  it.runIf(canMount)('a read-only folder fails receive() at once, saying so', async () => {
    const dir = join(root, 'ro');
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', dir]);
    try {
      const bob = await client('bob');
      expect(() => bob.receive({ dir })).toThrow(`receive: cannot write received files into ${dir}: it is on a read-only file system (EROFS)`);
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it('a file refused after the offer was accepted reaches the application as file-failed', async () => {
    const bob = await client('bob');
    const alice = await client('alice');
    const inbox = join(root, 'in');
    mkdirSync(inbox);
    bob.receive({ dir: inbox });
    // The folder goes away after the start check: the offer is accepted, then cannot be stored.
    rmSync(inbox, { recursive: true });
    const offers: boolean[] = [];
    const failed: string[] = [];
    bob.on('offer', (e) => offers.push(e.accepted)).on('file-failed', (e) => failed.push(`${e.name}: ${e.reason}`));
    const summary = await alice.send(to(bob), [file('lost.txt')]).done;
    expect(offers).toEqual([true]);
    expect(failed).toEqual([expect.stringMatching(/^lost\.txt: cannot store lost\.txt in the receiving folder: .*ENOENT/)]);
    expect(summary.files[0]?.failure?.message).toMatch(/^488 Not Acceptable Here: the receiver says "cannot store lost\.txt in the receiving folder/);
  });
});

describe('send(): icons are chosen per send', () => {
  it('a bad icon fails that send with ERR_FILE_ICON; a later plain send of the same path does not reuse it', async () => {
    const bob = await client('bob');
    const alice = await client('alice');
    mkdirSync(join(root, 'in'));
    bob.receive({ dir: join(root, 'in') });
    const path = file('report.txt');
    const notAnImage = file('icon.png', 'this is text, not a PNG');
    const first = await alice.send(to(bob), [{ path, icon: notAnImage }]).done;
    expect(first.ok).toBe(false);
    expect(first.files[0]?.failure).toMatchObject({ source: 'local', code: 'ERR_FILE_ICON' });
    const second = await alice.send(to(bob), [path]).done;
    expect(second.ok, JSON.stringify(second.files)).toBe(true);
  });
});

describe('the log', () => {
  it("the sender's complete event names the path and the hash", async () => {
    const bob = await client('bob');
    const events: LogEvent[] = [];
    const alice = await client('alice', (e) => events.push(e));
    mkdirSync(join(root, 'in'));
    bob.receive({ dir: join(root, 'in') });
    const path = file('logged.txt');
    const summary = await alice.send(to(bob), [path]).done;
    const complete = events.find((e) => e.kind === 'file' && e['event'] === 'complete');
    expect(complete).toMatchObject({ name: 'logged.txt', path, hash: summary.files[0]?.hash });
    expect(String(complete?.['hash'])).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });
});

describe('a receiver that stops mid-file', () => {
  it('reads at the sender as "the receiver closed the session", not a refused chunk', async () => {
    const bob = await client('bob');
    const alice = await client('alice');
    mkdirSync(join(root, 'in'));
    const handle = bob.receive({ dir: join(root, 'in') });
    let stopping: Promise<void> | undefined;
    bob.on('progress', () => { stopping ??= handle.stop(); });
    const big = join(root, 'big.bin');
    writeFileSync(big, Buffer.alloc(256 * 1024 * 1024, 7));
    const summary = await alice.send(to(bob), [big]).done;
    await stopping;
    expect(stopping).toBeDefined();
    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure).toEqual({ source: 'peer-bye', code: 'ERR_SESSION_ENDED_BY_PEER', message: 'the receiver closed the session (receiving stopped)' });
  });
});
