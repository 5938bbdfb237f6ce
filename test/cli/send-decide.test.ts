// `cpm-ft send --decide POINT=yes|no`: the user answers a decision point of the spec (a MAY / SHOULD
// rule) from the command line. Parsing rejects unknown points, points of the receiving side and
// answers other than yes/no; a real send on the frozen seed spec shows the answer changes what goes
// on the wire (7.6.1-4.a: declining check-pending-files sends the --then batch in a session of its
// own instead of by re-INVITE).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSend, type ClientFactory } from '../../src/cli/commands/send.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';
import { createClient } from '../../src/client.ts';
import { seedProcedures } from '../helpers/seed-spec.ts';
import { memoryIo } from './helpers/memory-io.ts';

const base = ['--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:5070', 'a.txt'];
const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

describe('send --decide parsing', () => {
  it('maps POINT=yes|no to the library decisions', () => {
    const parsed = parseSendArgs([...base, '--decide', 'check-pending-files=no']);
    expect(parsed.ok && parsed.value.decisions).toEqual({ 'check-pending-files': false });
    const yes = parseSendArgs([...base, '--decide', 'check-pending-files=YES']);
    expect(yes.ok && yes.value.decisions).toEqual({ 'check-pending-files': true });
    const none = parseSendArgs(base);
    expect(none.ok && none.value.decisions).toEqual({});
  });

  it.each([
    [['--decide', 'check-pending-file=no'], "'check-pending-file' is not a decision point of the sender; valid: check-pending-files"],
    [['--decide', 'accept-file=no'], "'accept-file' is not a decision point of the sender"],
    [['--decide', 'check-pending-files=maybe'], '--decide check-pending-files expects =yes or =no'],
    [['--decide', 'check-pending-files'], '--decide check-pending-files expects =yes or =no'],
    [['--decide', 'check-pending-files=yes', '--decide', 'check-pending-files=no'], 'given both yes and no'],
  ])('refuses %j', (extra, message) => {
    const parsed = parseSendArgs([...base, ...extra]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });
});

describe('send --decide on the wire (frozen seed spec)', () => {
  async function sendTwoBatches(extra: readonly string[]): Promise<{ invites: number; reinvites: number; inbox: string }> {
    const procedures = await seedProcedures();
    const inbox = await mkdtemp(join(tmpdir(), 'cpm-ft-decide-in-'));
    const cwd = await mkdtemp(join(tmpdir(), 'cpm-ft-decide-out-'));
    dirs.push(inbox, cwd);
    await writeFile(join(cwd, 'a.txt'), 'first batch\n');
    await writeFile(join(cwd, 'b.txt'), 'second batch\n');
    const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, procedures });
    bob.receive({ dir: inbox });
    const factory: ClientFactory = (options) => createClient({ ...options, procedures });
    try {
      const io = memoryIo(cwd);
      const code = await runSend(['--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${bob.sipAddress.port}`, '--log', 'json', ...extra, 'a.txt', '--then', 'b.txt'], io, { createClient: factory });
      expect(code, io.stderr.text).toBe(0);
      const events = io.stdout.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      // One entry per INVITE transaction: a UDP retransmission repeats Call-ID and CSeq.
      const sentInvites = [...new Map(events
        .filter((e) => e['kind'] === 'sip' && e['direction'] === 'sent' && e['method'] === 'INVITE')
        .map((e) => [`${String(e['callId'])} ${String(e['cseq'])}`, e])).values()];
      // A re-INVITE is sent inside the dialog, so it repeats an earlier INVITE's Call-ID.
      const sessions = new Set(sentInvites.map((e) => String(e['callId'])));
      expect([...sessions].every((id) => id !== '' && id !== 'undefined')).toBe(true);
      return { invites: sentInvites.length, reinvites: sentInvites.length - sessions.size, inbox };
    } finally {
      await bob.close();
    }
  }

  it('default (MAY, answered yes by default): the --then batch rides a re-INVITE of the same session', async () => {
    const run = await sendTwoBatches([]);
    expect(run.invites).toBe(2);
    expect(run.reinvites).toBe(1);
    expect(await readFile(join(run.inbox, 'b.txt'), 'utf8')).toBe('second batch\n');
  }, 30_000);

  it('--decide check-pending-files=no: the session is released and the batch goes in a new one', async () => {
    const run = await sendTwoBatches(['--decide', 'check-pending-files=no']);
    expect(run.invites).toBe(2);
    expect(run.reinvites).toBe(0);
    expect(await readFile(join(run.inbox, 'a.txt'), 'utf8')).toBe('first batch\n');
    expect(await readFile(join(run.inbox, 'b.txt'), 'utf8')).toBe('second batch\n');
  }, 30_000);
});
