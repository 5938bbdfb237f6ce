// `cpm-ft focus`: argument and groups-file checks (exit 2 with a clear message), and a real start
// on an ephemeral port that stops on a (fake) signal.

import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFocus, type SignalName } from '../../../src/cli/commands/focus.ts';
import type { CliIo } from '../../../src/cli/main.ts';
import type { Focus } from '../../../src/focus/focus-types.ts';
import { createClient } from '../../../src/client.ts';

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return { stdout, stderr, cwd, env: {}, out: () => out, err: () => err };
}

describe('cpm-ft focus', () => {
  let dir = '';
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cpm-ft-focus-cli-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it.each([
    [['--groups', 'g.json'], '--sip HOST:PORT is required'],
    [['--sip', 'nowhere'], 'missing port'],
    [['--sip', '127.0.0.1:0'], '--groups FILE is required'],
    [['--sip', '127.0.0.1:0', '--groups', 'g.json', '--transport', 'tls'], '--transport expects udp|tcp'],
    [['--sip', '127.0.0.1:0', '--groups', 'g.json', '--max-members', 'zero'], '--max-members expects'],
    [['--sip', '127.0.0.1:0', '--groups', 'g.json', '--factory', 'conf@host'], '--factory expects a SIP URI'],
    [['--sip', '127.0.0.1:0', '--bogus'], 'unknown option --bogus; valid options: '],
    [['--sip', '127.0.0.1:0', '--groups', 'g.json', '--idle-timeout', '0'], '--idle-timeout must be more than 0'],
    [['--sip', '127.0.0.1:0', '--groups', 'g.json', '--leg-answer-timeout', 'soon'], '--leg-answer-timeout expects a duration'],
    [['--sip', '127.0.0.1:0', '--groups', 'g.json', '--msrp-setup-timeout', '-1s'], '--msrp-setup-timeout'],
  ])('exits 2 on %j', async (args, message) => {
    const cli = io(dir);
    expect(await runFocus(args, cli)).toBe(2);
    expect(cli.err()).toContain(message);
  });

  it.each([
    ['missing file', undefined, 'cannot read'],
    ['not JSON', '{', 'not valid JSON'],
    ['an array', '[]', 'must be a JSON object'],
    ['a bad group URI', '{"team": ["sip:a@h"]}', 'group "team": not a SIP URI'],
    ['members not an array', '{"sip:team@h": "sip:a@h"}', 'must be an array'],
    ['a duplicate member', '{"sip:team@h": ["sip:a@h", "sip:a@H"]}', 'duplicates member 1'],
    ['a bad member', '{"sip:team@h": ["sip:a@h", "bob"]}', 'member 2 is not a valid SIP URI'],
    ['too many members', '{"sip:team@h": ["sip:a@h", "sip:b@h", "sip:c@h"]}', 'exceed the limit of 2'],
  ])('exits 2 on a groups file with %s', async (_name, content, message) => {
    if (content !== undefined) await writeFile(join(dir, 'g.json'), content);
    const cli = io(dir);
    expect(await runFocus(['--sip', '127.0.0.1:0', '--groups', 'g.json', '--max-members', '2'], cli)).toBe(2);
    expect(cli.err()).toContain(message);
  });

  it('starts on an ephemeral port, logs JSON events, and stops cleanly on a signal', async () => {
    await writeFile(join(dir, 'g.json'), JSON.stringify({ 'sip:team@127.0.0.1': ['sip:bob@127.0.0.1:9'] }));
    const cli = io(dir);
    let stop: ((s: SignalName) => void) | undefined;
    let started: Focus | undefined;
    const exit = runFocus(['--sip', '127.0.0.1:0', '--groups', 'g.json', '--factory', 'sip:conf@127.0.0.1', '--transport', 'tcp', '--log', 'json'], cli, {
      onSignal: (handler) => { stop = handler; return () => { stop = undefined; }; },
      onStarted: (f) => { started = f; },
    });
    for (let i = 0; i < 200 && stop === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(started?.sipAddress.port).toBeGreaterThan(0);
    expect(started?.sipAddress.transport).toBe('tcp');
    expect(cli.err()).toMatch(/focus listening on sip:127\.0\.0\.1:\d+;transport=tcp \(1 groups, factory sip:conf@127\.0\.0\.1\)/);
    stop?.('SIGINT');
    expect(await exit).toBe(0);
  });

  it('--leg-answer-timeout cancels a member INVITE that is not answered in time', async () => {
    // A member whose user never decides: without the flag the focus would wait 30 s for it.
    const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    bob.receive({ dir, accept: () => new Promise<boolean>(() => undefined) });
    const member = `sip:bob@127.0.0.1:${bob.sipAddress.port}`;
    await writeFile(join(dir, 'g.json'), JSON.stringify({ 'sip:team@127.0.0.1': [member] }));
    await writeFile(join(dir, 'a.txt'), 'hello\n');
    const cli = io(dir);
    let stop: ((s: SignalName) => void) | undefined;
    let started: Focus | undefined;
    const exit = runFocus(['--sip', '127.0.0.1:0', '--groups', 'g.json', '--leg-answer-timeout', '300ms', '--idle-timeout', '5s', '--log', 'json'], cli, {
      onSignal: (handler) => { stop = handler; return () => { stop = undefined; }; },
      onStarted: (f) => { started = f; },
    });
    for (let i = 0; i < 200 && started === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    try {
      const summary = await alice.send({ kind: 'predefined-group', uri: `sip:team@127.0.0.1:${started?.sipAddress.port ?? 0}` }, [join(dir, 'a.txt')]).done;
      expect(summary.ok).toBe(false);
      const answered = cli.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['type'] === 'leg-answered');
      expect(answered).toEqual([expect.objectContaining({ member, status: 487 })]);
    } finally {
      await alice.close();
      await bob.close();
      stop?.('SIGTERM');
    }
    expect(await exit).toBe(0);
  }, 10_000);

  it('reloads the groups file when it is replaced: a new group is served, an invalid version keeps the old groups', async () => {
    const bob = await createClient({ localUri: 'sip:bob@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    const inbox = join(dir, 'inbox');
    await mkdir(inbox);
    bob.receive({ dir: inbox });
    const member = `sip:bob@127.0.0.1:${bob.sipAddress.port}`;
    await writeFile(join(dir, 'g.json'), JSON.stringify({ 'sip:team@127.0.0.1': [member] }));
    await writeFile(join(dir, 'a.txt'), 'hello crew\n');
    const cli = io(dir);
    let stop: ((s: SignalName) => void) | undefined;
    let started: Focus | undefined;
    const exit = runFocus(['--sip', '127.0.0.1:0', '--groups', 'g.json', '--log', 'json'], cli, {
      onSignal: (handler) => { stop = handler; return () => { stop = undefined; }; },
      onStarted: (f) => { started = f; },
    });
    for (let i = 0; i < 200 && started === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    const until = async (what: () => boolean): Promise<void> => {
      for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    try {
      const crew = `sip:crew@127.0.0.1:${started?.sipAddress.port ?? 0}`;
      // Before the change the group does not exist.
      expect((await alice.send({ kind: 'predefined-group', uri: crew }, [join(dir, 'a.txt')]).done).ok).toBe(false);
      // Replaced the way editors and deploy tools do it: a new file renamed over the old one.
      await writeFile(join(dir, 'g.json.new'), JSON.stringify({ 'sip:team@127.0.0.1': [member], 'sip:crew@127.0.0.1': [member] }));
      await rename(join(dir, 'g.json.new'), join(dir, 'g.json'));
      await until(() => cli.err().includes('groups reloaded'));
      expect(cli.err()).toContain('cpm-ft focus: groups reloaded (2 groups)');
      const summary = await alice.send({ kind: 'predefined-group', uri: crew }, [join(dir, 'a.txt')]).done;
      expect(summary.ok, cli.out()).toBe(true);
      expect(summary.members?.map((m) => [m.member, m.status])).toEqual([[member, 'received']]);
      expect(await readFile(join(inbox, 'a.txt'), 'utf8')).toBe('hello crew\n');

      await writeFile(join(dir, 'g.json'), '{"sip:crew@127.0.0.1": ');
      await until(() => cli.err().includes('not reloaded'));
      expect(cli.err()).toMatch(/groups file not reloaded, keeping the previous groups: .*not valid JSON/);
      expect(Object.keys(started?.groups ?? {})).toEqual(['sip:team@127.0.0.1', 'sip:crew@127.0.0.1']);
    } finally {
      await alice.close();
      await bob.close();
      stop?.('SIGTERM');
    }
    expect(await exit).toBe(0);
  }, 15_000);

  it('--proxy sends the member INVITEs to the proxy, the member URI as Request-URI and the proxy as Route', async () => {
    const proxy = createSocket('udp4');
    await new Promise<void>((r) => proxy.bind(0, '127.0.0.1', () => r()));
    const received: string[] = [];
    proxy.on('message', (m, from) => {
      const text = m.toString();
      received.push(text);
      // Answers like a proxy that knows no such user, so the focus's leg ends at once.
      if (!text.startsWith('INVITE ')) return;
      const copied = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
      proxy.send(['SIP/2.0 404 Not Found', ...copied.map((l) => (/^To:/i.test(l) ? `${l};tag=p1` : l)), 'Content-Length: 0', '', ''].join('\r\n'), from.port, from.address);
    });
    const member = 'sip:bob@members.invalid';
    await writeFile(join(dir, 'g.json'), JSON.stringify({ 'sip:team@127.0.0.1': [member] }));
    await writeFile(join(dir, 'a.txt'), 'hello\n');
    const proxyUri = `sip:127.0.0.1:${(proxy.address()).port}`;
    expect(await runFocus(['--sip', '127.0.0.1:0', '--groups', 'g.json', '--proxy', 'nowhere'], io(dir))).toBe(2);
    const cli = io(dir);
    let stop: ((s: SignalName) => void) | undefined;
    let started: Focus | undefined;
    const exit = runFocus(['--sip', '127.0.0.1:0', '--groups', 'g.json', '--proxy', proxyUri], cli, {
      onSignal: (handler) => { stop = handler; return () => { stop = undefined; }; },
      onStarted: (f) => { started = f; },
    });
    for (let i = 0; i < 200 && started === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    const alice = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    try {
      const summary = await alice.send({ kind: 'predefined-group', uri: `sip:team@127.0.0.1:${started?.sipAddress.port ?? 0}` }, [join(dir, 'a.txt')]).done;
      expect(summary.files[0]?.failure?.message).toContain(`${member}: 404`);
      const invite = received.find((m) => m.startsWith('INVITE '));
      expect(invite?.split('\r\n')[0]).toBe(`INVITE ${member} SIP/2.0`);
      expect(invite).toMatch(new RegExp(`\\r\\nRoute: <${proxyUri.replace(/\./g, '\\.')};lr>\\r\\n`, 'i'));
    } finally {
      await alice.close();
      proxy.close();
      stop?.('SIGTERM');
    }
    expect(await exit).toBe(0);
  }, 15_000);
});
