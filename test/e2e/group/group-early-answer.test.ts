// The focus answers the sender as soon as one member accepts. A member that never answers (a
// silent UDP socket) delays only itself: the accepting member has its file before the focus gives
// the silent one up (its Timer B), and the sender hears of that failure afterwards, through the
// conference notifications. A member accepting after the data went by still gets the whole file;
// when no member accepts, the sender gets the members' best refusal.

import { createSocket, type Socket } from 'node:dgram';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSend } from '../../../src/cli/commands/send.ts';
import { createClient } from '../../../src/client.ts';
import type { CpmClient, MemberStatusEvent } from '../../../src/client-types.ts';
import { createFocus } from '../../../src/focus/create-focus.ts';
import type { Focus, FocusEvent } from '../../../src/focus/focus-types.ts';
import { memoryIo } from '../../cli/helpers/memory-io.ts';
import { listDir, sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';

interface Member { readonly name: string; readonly client: CpmClient; readonly dir: string; readonly uri: string }

describe('the focus answers on the first acceptance', () => {
  let focus: Focus | undefined;
  const members: Member[] = [];
  const dirs: string[] = [];
  let silent: Socket | undefined;
  let sender: CpmClient | undefined;
  /** Focus events and member events, in the order they happened. */
  let timeline: string[] = [];

  async function member(name: string, accept: () => boolean | Promise<boolean>): Promise<Member> {
    const dir = await tempDir(`early-${name}`);
    dirs.push(dir);
    const client = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    client.receive({ dir, accept });
    client.on('file-received', (e) => timeline.push(`${name} received ${e.path.split('/').pop() ?? ''}`));
    const m = { name, client, dir, uri: `sip:${name}@127.0.0.1:${client.sipAddress.port}` };
    members.push(m);
    return m;
  }

  /** A member address that reads every datagram and never answers. */
  async function silentMember(): Promise<string> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.on('message', () => undefined);
    silent = socket;
    return `sip:ghost@127.0.0.1:${socket.address().port}`;
  }

  async function startFocus(group: readonly string[]): Promise<string> {
    const events: FocusEvent[] = [];
    focus = await createFocus({
      sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
      groups: { 'sip:team@127.0.0.1': group },
      maxMembers: 10,
      legAnswerTimeoutMs: 60_000,
      // Timer B 6.4 s: the silent member is given up after that, not after 32 s.
      sipTimers: { T1: 100 },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'leg-answered') timeline.push(`focus: ${e.member.split('@')[0]} answered ${e.status}`);
        if (e.type === 'session-answered') timeline.push(`focus: sender answered ${e.status}`);
      },
    });
    return `sip:team@127.0.0.1:${focus.sipAddress.port}`;
  }

  afterEach(async () => {
    await sender?.close();
    sender = undefined;
    await focus?.close();
    focus = undefined;
    for (const m of members.splice(0)) await m.client.close();
    if (silent !== undefined) await new Promise<void>((resolve) => silent?.close(() => resolve()));
    silent = undefined;
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    timeline = [];
  });

  it('one silent member: the accepting member has the file long before the silent one is given up', async () => {
    const bob = await member('bob', () => true);
    const dave = await member('dave', () => false);
    const ghost = await silentMember();
    const group = await startFocus([bob.uri, dave.uri, ghost]);
    const outbox = await tempDir('early-out');
    dirs.push(outbox);
    const file = join(outbox, 'report.pdf');
    await writeTestFile(file, 300_000);

    sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    const transfer = sender.send({ kind: 'predefined-group', uri: group }, [file]);
    const statuses: MemberStatusEvent[] = [];
    transfer.on('member-status', (e) => {
      statuses.push(e);
      timeline.push(`sender: ${e.member.split('@')[0]} ${e.status}${e.filesDelivered > 0 ? ' delivered' : ''}`);
    });
    transfer.on('file-complete', () => timeline.push('sender: file complete'));
    const summary = await transfer.done;

    expect(summary.ok).toBe(true);
    expect(await sha1Of(join(bob.dir, 'report.pdf'))).toBe(await sha1Of(file));
    expect(await listDir(dave.dir)).toEqual([]);
    // The order that matters: the sender was answered, bob got the file and the sender saw it
    // complete, all before the focus gave up on the silent member (Timer B, 408).
    const at = (entry: string): number => timeline.indexOf(entry);
    expect(at('focus: sip:ghost answered 408'), timeline.join('\n')).toBeGreaterThan(at('bob received report.pdf'));
    expect(at('focus: sender answered 200')).toBeLessThan(at('bob received report.pdf'));
    expect(at('sender: file complete')).toBeLessThan(at('focus: sip:ghost answered 408'));
    expect(at('sender: sip:bob connected delivered')).toBeLessThan(at('focus: sip:ghost answered 408'));
    // ... and the silent member is reported failed afterwards, never as delivered.
    expect(at('sender: sip:ghost failed')).toBeGreaterThan(at('focus: sip:ghost answered 408'));
    expect(statuses.filter((s) => s.member === ghost).every((s) => s.filesDelivered === 0)).toBe(true);
    const byMember = new Map((summary.members ?? []).map((m) => [m.member, m]));
    expect(byMember.get(bob.uri)).toMatchObject({ status: 'received', files: [{ name: 'report.pdf', delivered: true }] });
    expect(byMember.get(dave.uri)).toMatchObject({ status: 'declined', sipStatus: 603 });
    expect(byMember.get(ghost)).toMatchObject({ status: 'failed', sipStatus: 408, files: [{ name: 'report.pdf', delivered: false }] });
  }, 60_000);

  it('the CLI prints each member as the focus reports it, the silent one last', async () => {
    const bob = await member('bob', () => true);
    const ghost = await silentMember();
    const group = await startFocus([bob.uri, ghost]);
    const cwd = await tempDir('early-cli');
    dirs.push(cwd);
    await writeFile(join(cwd, 'a.txt'), 'for the group\n');
    const io = memoryIo(cwd);
    const code = await runSend(['--from', 'sip:alice@127.0.0.1', '--group', group, '--no-resume', 'a.txt'], io);
    const lines = io.stdout.text.split('\n');
    const got = lines.indexOf(`member ${bob.uri} got 1 file`);
    const failed = lines.indexOf(`member ${ghost} failed (408 Request Timeout)`);
    expect(got, io.stdout.text).toBeGreaterThanOrEqual(0);
    expect(failed, io.stdout.text).toBeGreaterThan(got);
    expect(io.stdout.text).toContain(`member ${bob.uri} received 1 file\n`);
    expect(io.stderr.text).toContain(`file transfer failed: ${ghost} failed (408 Request Timeout)`);
    expect(code).toBe(1);
  }, 60_000);

  it('a member that accepts after the data went by still gets the whole file', async () => {
    let bobHasIt: () => void = () => undefined;
    const bobDone = new Promise<boolean>((resolve) => { bobHasIt = () => resolve(true); });
    const bob = await member('bob', () => true);
    bob.client.on('file-received', () => bobHasIt());
    // Carol answers only once bob has the whole file: everything she gets was kept for her.
    const carol = await member('carol', () => bobDone);
    const group = await startFocus([bob.uri, carol.uri]);
    const outbox = await tempDir('early-late');
    dirs.push(outbox);
    const file = join(outbox, 'late.bin');
    await writeTestFile(file, 1_000_003);
    sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    const summary = await sender.send({ kind: 'predefined-group', uri: group }, [file]).done;
    expect(summary.ok).toBe(true);
    expect(timeline.indexOf('focus: sender answered 200')).toBeLessThan(timeline.indexOf('focus: sip:carol answered 200'));
    expect(timeline.indexOf('bob received late.bin')).toBeLessThan(timeline.indexOf('focus: sip:carol answered 200'));
    expect(await sha1Of(join(carol.dir, 'late.bin'))).toBe(await sha1Of(file));
    expect(summary.members?.map((m) => m.status)).toEqual(['received', 'received']);
  }, 60_000);

  it('no member accepts: the sender gets the members\' best refusal once all have answered', async () => {
    const dave = await member('dave', () => false);
    const ghost = await silentMember();
    const group = await startFocus([dave.uri, ghost]);
    const outbox = await tempDir('early-none');
    dirs.push(outbox);
    const file = join(outbox, 'unwanted.txt');
    await writeTestFile(file, 1000);
    sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    const summary = await sender.send({ kind: 'predefined-group', uri: group }, [file]).done;
    expect(summary.ok).toBe(false);
    // A member's own refusal says more than the silence of another: 603, not 480.
    expect(summary.files[0]?.failure).toMatchObject({ status: 603 });
    expect(summary.files[0]?.failure?.message).toContain(`${dave.uri}: 603`);
    expect(summary.files[0]?.failure?.message).toContain(`${ghost}: 408`);
    expect(timeline.indexOf('focus: sender answered 603')).toBeGreaterThan(timeline.indexOf('focus: sip:ghost answered 408'));
  }, 60_000);
});
