// `cpm-ft send` to a group, in-process against a real focus and real receiving clients: one line
// per member, exit 0 only when every member received every file, and --log json carrying the
// member-status events from the focus's conference notifications (RFC 4575).

import { join } from 'node:path';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runSend } from '../../../src/cli/commands/send.ts';
import { createClient } from '../../../src/client.ts';
import type { CpmClient } from '../../../src/client-types.ts';
import { createFocus } from '../../../src/focus/create-focus.ts';
import type { Focus } from '../../../src/focus/focus-types.ts';
import { memoryIo } from '../../cli/helpers/memory-io.ts';
import { tempDir } from '../transfer-harness.ts';

/**
 * Files delivered to one member over all the sessions of a send: a member-status count restarts at 0
 * when a new session reaches the member, so each session's last count is added.
 */
function deliveredAcrossSessions(statuses: readonly Record<string, unknown>[]): number {
  let total = 0;
  let previous = 0;
  for (const status of statuses) {
    const delivered = Number(status['filesDelivered']);
    total += delivered >= previous ? delivered - previous : delivered;
    previous = delivered;
  }
  return total;
}

interface Member { readonly client: CpmClient; readonly uri: string; readonly dir: string }

describe('cpm-ft send to a group reports each member', () => {
  let focus: Focus | undefined;
  const members: Member[] = [];
  const dirs: string[] = [];

  async function member(name: string, accept: boolean): Promise<Member> {
    const dir = await tempDir(`cli-group-${name}`);
    dirs.push(dir);
    const client = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    client.receive({ dir, accept: () => accept });
    const m = { client, dir, uri: `sip:${name}@127.0.0.1:${client.sipAddress.port}` };
    members.push(m);
    return m;
  }

  afterEach(async () => {
    await focus?.close();
    for (const m of members.splice(0)) await m.client.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  async function setUp(accepting: readonly boolean[]): Promise<{ cwd: string; group: string }> {
    const names = ['bob', 'carol', 'dave'];
    const ms = [];
    for (const [i, accept] of accepting.entries()) ms.push(await member(names[i] ?? `m${i}`, accept));
    focus = await createFocus({
      sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
      groups: { 'sip:team@127.0.0.1': ms.map((m) => m.uri) },
      maxMembers: 10,
      legAnswerTimeoutMs: 10_000,
    });
    const cwd = await tempDir('cli-group-out');
    dirs.push(cwd);
    await writeFile(join(cwd, 'a.txt'), 'first file\n');
    await writeFile(join(cwd, 'b.txt'), 'second file\n'.repeat(1000));
    return { cwd, group: `sip:team@127.0.0.1:${focus.sipAddress.port}` };
  }

  it('exits 1 naming the member that declined, with one line per member', async () => {
    const { cwd, group } = await setUp([true, true, false]);
    const io = memoryIo(cwd);
    const code = await runSend(['--from', 'sip:alice@127.0.0.1', '--group', group, 'a.txt', 'b.txt'], io);
    const [bob, carol, dave] = members;
    expect(io.stdout.text).toContain(`member ${bob?.uri} received 2 files\n`);
    expect(io.stdout.text).toContain(`member ${carol?.uri} received 2 files\n`);
    expect(io.stdout.text).toContain(`member ${dave?.uri} declined (603 Decline)\n`);
    expect(io.stderr.text).toContain(`file transfer failed: ${dave?.uri} declined (603 Decline)\n`);
    expect(code).toBe(1);
  }, 30_000);

  it('exits 0 when every member received every file; --log json carries member-status events', async () => {
    const { cwd, group } = await setUp([true, true]);
    const io = memoryIo(cwd);
    const code = await runSend(['--from', 'sip:alice@127.0.0.1', '--group', group, '--log', 'json', 'a.txt', 'b.txt'], io);
    expect(io.stderr.text).not.toContain('file transfer failed');
    expect(code).toBe(0);
    const events = io.stdout.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const statuses = events.filter((e) => e['event'] === 'member-status');
    for (const m of members) {
      const own = statuses.filter((e) => e['member'] === m.uri);
      expect(own.at(-1)).toMatchObject({ status: 'connected', filesFailed: 0 });
      // Whether the second file rides the same session (re-INVITE) or a new one is the spec's step 4;
      // either way the member's notifications must add up to both files delivered.
      expect(deliveredAcrossSessions(own)).toBe(2);
      expect(await readFile(join(m.dir, 'a.txt'), 'utf8')).toBe('first file\n');
      expect(await readFile(join(m.dir, 'b.txt'), 'utf8')).toBe('second file\n'.repeat(1000));
    }
    expect(io.stderr.text).toContain(`member ${members[0]?.uri} received 2 files\n`);
  }, 30_000);
});
