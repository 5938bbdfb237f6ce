// `cpm-ft focus`: argument and groups-file checks (exit 2 with a clear message), and a real start
// on an ephemeral port that stops on a (fake) signal.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    [['--sip', '127.0.0.1:0', '--bogus'], 'Unknown option'],
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
});
