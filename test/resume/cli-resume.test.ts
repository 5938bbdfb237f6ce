// RFC 5547 file-range resume through the CLI, with real processes: `cpm-ft receive --keep-partials`
// and two runs of `cpm-ft send` sharing a --resume-state file. The first send is cut at about half
// by stopping the receiver; a receiver restarted on the same folder and port then gets only the
// remainder. Bytes on the wire are counted inside the sender process (helpers/count-socket-bytes.mjs).
//
// How the receiver is stopped matters. The receiver makes its resumable partial when a file fails
// (it hard-links the temporary file and cuts it to the gap-free prefix). SIGTERM runs that path:
// the CLI closes its client, the open file fails and its prefix is kept. SIGKILL gives it no chance,
// so only the anonymous temporary `.cpm-<random>.part` stays behind; the resend then offers a
// file-range that the new receiver declines, and `cpm-ft send` falls back to a whole-file send.

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PROGRESS_REPORT_BYTES } from '../../runtime/msrp/msrp-session.ts';
import { killTrackedChildren, stopChild } from '../helpers/child-process-registry.ts';
import { cliExitCode, runCli, type CliRun } from '../helpers/cli-process.ts';

const MiB = 1024 * 1024;
const countBytes = pathToFileURL(join(import.meta.dirname, 'helpers/count-socket-bytes.mjs')).href;
const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-resume-'));
afterEach(killTrackedChildren);
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Running = CliRun;

function cli(args: string[], env: Record<string, string> = {}): Running {
  // XDG_STATE_HOME inside the test folder: nothing is ever written to the real home.
  return runCli(args, { cwd: root, env: { XDG_STATE_HOME: join(root, 'xdg'), ...env } });
}

const exitCode = (run: Running, timeoutMs = 40_000): Promise<number | null> => cliExitCode(run, timeoutMs);

/** `cpm-ft receive --keep-partials` over TCP; resolves with the port from its `listening on` line. */
async function startReceiver(dir: string, port: number): Promise<Running & { port: number }> {
  const run = cli(['receive', '--sip', `127.0.0.1:${port}`, '--dir', dir, '--transport', 'tcp', '--keep-partials']);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /listening on sip:127\.0\.0\.1:(\d+);transport=tcp/.exec(run.out());
    if (match !== null) return { ...run, port: Number(match[1]) };
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`receiver did not start (exit ${run.child.exitCode})\nstdout: ${run.out()}\nstderr: ${run.err()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const TEMP = /^\.cpm-[0-9a-f]{24}\.part$/;
const PARTIAL = /^\.cpm-resume-[0-9a-f]{32}\.part$/;

/** Waits until the receiver's temporary file for the incoming file holds at least `bytes`. */
async function waitForArrived(dir: string, bytes: number, sender: Running): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => TEMP.test(n))) {
      const size = await stat(join(dir, name)).then((s) => s.size, () => 0);
      if (size >= bytes) return size;
    }
    if (sender.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the file never reached ${bytes} bytes at the receiver (sender exit ${sender.child.exitCode})\nstderr: ${sender.err()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sha1 = (path: string): string => createHash('sha1').update(readFileSync(path)).digest('hex');
const stateEntries = (path: string): Record<string, number> => (JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, number> }).entries;
const jsonLines = (text: string): Array<Record<string, unknown>> => text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

/**
 * Sends `file` with --log json. The interrupted run uses 1 KiB chunks, slow enough on loopback to
 * be stopped half-way; the resend uses the default 64 KiB, whose framing is well under 1%.
 */
function send(file: string, port: number, state: string, options: { slow?: boolean; countBytesTo?: string } = {}): Running {
  const env: Record<string, string> = options.countBytesTo === undefined ? {} : { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${countBytes}`, CPM_FT_SOCKET_BYTES: options.countBytesTo };
  return cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${port};transport=tcp`, '--transport', 'tcp',
    ...(options.slow === true ? ['--chunk-size', '1k'] : []), '--resume-state', state, '--log', 'json', file], env);
}

describe('cpm-ft send --resume-state with cpm-ft receive --keep-partials', () => {
  it('a 20 MiB send cut by stopping the receiver resumes in a second run with only the remainder on the wire', async () => {
    const size = 20 * MiB;
    const work = mkdtempSync(join(root, 'term-'));
    const file = join(work, 'big.bin');
    writeFileSync(file, randomBytes(size));
    const inbox = join(work, 'in');
    const state = join(work, 'state', 'resume.json');

    const first = await startReceiver(inbox, 0);
    const cut = send(file, first.port, state, { slow: true });
    await waitForArrived(inbox, 8 * MiB, cut);
    // SIGTERM: the receiver closes its client, failing the open file and keeping its prefix.
    await stopChild(first.child, 'SIGTERM', 10_000);
    expect(await exitCode(cut), `sender stderr: ${cut.err()}`).toBe(1);
    expect(cut.err()).toMatch(/file transfer failed: big\.bin: the receiver closed the session/);
    const saved = Object.values(stateEntries(state));
    expect(saved).toHaveLength(1);
    const next = saved[0] ?? 0;
    expect(next).toBeGreaterThan(1);
    expect(next).toBeLessThan(size);
    const kept = (await readdir(inbox)).filter((n) => PARTIAL.test(n));
    expect(kept).toHaveLength(1);
    // Every byte the sender counts as acknowledged is in the receiver's partial.
    expect((await stat(join(inbox, kept[0] ?? ''))).size).toBeGreaterThanOrEqual(next - 1);

    const second = await startReceiver(inbox, first.port);
    const wire = join(work, 'wire.json');
    const resumed = send(file, second.port, state, { countBytesTo: wire });
    expect(await exitCode(resumed), `sender stderr: ${resumed.err()}`).toBe(0);
    // With --log json the human line goes to stderr; the JSON event carries the same restart byte.
    expect(resumed.err()).toContain(`resuming big.bin from byte ${next}\n`);
    const events = jsonLines(resumed.out());
    expect(events).toContainEqual(expect.objectContaining({ kind: 'file', event: 'resume', name: 'big.bin', from: next, size }));
    const invite = events.find((e) => e['kind'] === 'sip' && e['direction'] === 'sent' && e['method'] === 'INVITE' && e['status'] === undefined);
    expect(String(invite?.['body'])).toContain(`a=file-range:${next}-${size}\r\n`);

    // The receiver published the whole file once its session ended; the partial is gone.
    const deadline = Date.now() + 10_000;
    while (!second.out().includes('session from sip:alice@127.0.0.1 ended') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(second.out()).toMatch(/received big\.bin 20971520 bytes sha-1/);
    expect(await readdir(inbox)).toEqual(['big.bin']);
    expect(sha1(join(inbox, 'big.bin'))).toBe(sha1(file));
    expect(stateEntries(state)).toEqual({});

    // Only the remainder crossed (plus SIP over TCP and MSRP framing, under 1%).
    const counted = JSON.parse(readFileSync(wire, 'utf8')) as { written: number };
    const remainder = size - (next - 1);
    expect(counted.written).toBeGreaterThanOrEqual(remainder);
    expect(counted.written).toBeLessThan(remainder * 1.01 + 16 * 1024);
    expect(counted.written).toBeLessThan(size);
    await stopChild(second.child, 'SIGTERM', 10_000);
  }, 120_000);

  it('after SIGKILL the receiver has no partial: the ranged offer is declined and the file goes whole', async () => {
    const size = 8 * MiB;
    const work = mkdtempSync(join(root, 'kill-'));
    const file = join(work, 'mid.bin');
    writeFileSync(file, randomBytes(size));
    const inbox = join(work, 'in');
    const state = join(work, 'resume.json');

    const first = await startReceiver(inbox, 0);
    const cut = send(file, first.port, state, { slow: true });
    // The sender's restart point comes from the receiver's progress REPORTs, sent at least every
    // PROGRESS_REPORT_BYTES of prefix (sooner only once a quarter second passed, which a fast machine
    // may not reach): a MiB past the first one, that REPORT has surely gone out.
    await waitForArrived(inbox, PROGRESS_REPORT_BYTES + MiB, cut);
    await stopChild(first.child, 'SIGKILL');
    expect(await exitCode(cut), `sender stderr: ${cut.err()}`).toBe(1);
    // The sender recorded its restart point, but the receiver left only its anonymous temporary file.
    expect(Object.values(stateEntries(state))).toHaveLength(1);
    const left = await readdir(inbox);
    expect(left.filter((n) => PARTIAL.test(n))).toEqual([]);
    expect(left.filter((n) => TEMP.test(n))).toHaveLength(1);

    const second = await startReceiver(inbox, first.port);
    const wire = join(work, 'wire.json');
    const again = send(file, second.port, state, { countBytesTo: wire });
    expect(await exitCode(again), `sender stderr: ${again.err()}`).toBe(0);
    expect(again.err()).toContain('the receiver has no earlier part of mid.bin; sending it whole');
    expect(again.err()).not.toContain('resuming mid.bin');
    // Two sessions: the ranged offer (declined), then the whole file.
    const invites = jsonLines(again.out()).filter((e) => e['kind'] === 'sip' && e['direction'] === 'sent' && e['method'] === 'INVITE' && e['status'] === undefined);
    expect(invites.map((e) => /a=file-range:\d+-8388608\r\n/.test(String(e['body'])))).toEqual([true, false]);
    expect(sha1(join(inbox, 'mid.bin'))).toBe(sha1(file));
    expect(stateEntries(state)).toEqual({});
    const counted = JSON.parse(readFileSync(wire, 'utf8')) as { written: number };
    expect(counted.written).toBeGreaterThanOrEqual(size);
    await stopChild(second.child, 'SIGTERM', 10_000);
  }, 120_000);
});
