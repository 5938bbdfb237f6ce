// RFC 5547 pull between two cpm-ft processes: `cpm-ft serve` on a folder and `cpm-ft pull` asking
// for a file by name, size and SHA-1. The pulled copy must be byte-identical; an unknown file and a
// traversal name end in "not found" (exit 1) with nothing written.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killTrackedChildren, stopChild } from '../../helpers/child-process-registry.ts';
import { cliExitCode, runCli, type CliRun } from '../../helpers/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-pull-'));
afterEach(killTrackedChildren);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[]): CliRun => runCli(args, { cwd: root });
const sha1 = (bytes: Buffer): string => createHash('sha1').update(bytes).digest('hex');
const rfcHash = (bytes: Buffer): string => (sha1(bytes).toUpperCase().match(/../g) ?? []).join(':');

async function startServer(dir: string, transport: 'udp' | 'tcp'): Promise<CliRun & { port: number }> {
  const run = cli(['serve', '--sip', '127.0.0.1:0', '--dir', dir, '--transport', transport]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = new RegExp(`on sip:127\\.0\\.0\\.1:(\\d+);transport=${transport}`).exec(run.out());
    if (match !== null) return { ...run, port: Number(match[1]) };
    if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start\nstdout: ${run.out()}\nstderr: ${run.err()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(['udp', 'tcp'] as const)('cpm-ft pull from cpm-ft serve over %s', (transport) => {
  it('a 2 MiB file arrives byte-identical; unknown and traversal selectors are "not found"', async () => {
    const served = join(root, `served-${transport}`);
    const inbox = join(root, `inbox-${transport}`);
    mkdirSync(served);
    const bytes = randomBytes(2 * 1024 * 1024 + 17);
    writeFileSync(join(served, 'photo one.jpg'), bytes);
    writeFileSync(join(root, 'outside.txt'), 'not for you');
    const server = await startServer(served, transport);
    const to = `sip:bob@127.0.0.1:${server.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;

    const pull = cli(['pull', '--from', to, '--transport', transport, '--dir', inbox,
      '--selector', `name:"photo one.jpg" size:${bytes.length} hash:sha-1:${rfcHash(bytes)}`]);
    expect(await cliExitCode(pull, 40_000), pull.err()).toBe(0);
    expect(pull.out()).toMatch(/^pulled 2097169 bytes sha-1 [0-9A-F:]{59} -> .*photo one\.jpg$/m);
    expect(sha1(readFileSync(join(inbox, 'photo one.jpg')))).toBe(sha1(bytes));

    const missing = cli(['pull', '--from', to, '--transport', transport, '--dir', inbox, '--selector', 'name:"nope.bin"']);
    expect(await cliExitCode(missing, 40_000)).toBe(1);
    expect(missing.err()).toMatch(/^cpm-ft pull: not found: sip:bob@127\.0\.0\.1:\d+.* has no file matching "name:\\"nope\.bin\\""$/m);

    const escape = cli(['pull', '--from', to, '--transport', transport, '--dir', inbox, '--selector', 'name:"../outside.txt"']);
    expect(await cliExitCode(escape, 40_000)).toBe(1);
    expect(escape.err()).toMatch(/not found/);
    expect(readdirSync(inbox)).toEqual(['photo one.jpg']);

    await stopChild(server.child, 'SIGTERM');
    expect(server.out()).toMatch(/^sent photo one\.jpg 2097169 bytes$/m);
    expect(server.out()).toMatch(/^not served "name:\\"\.\.\/outside\.txt\\"": ".*refused name.*a path, not a file name"$/m);
  });
});

describe('cpm-ft pull with several --selector: one session, a re-INVITE per further file', () => {
  it('two files arrive byte-identical over one INVITE and two re-INVITEs; a missing second is "not found" (exit 1) [RFC 5547 §8.1]', async () => {
    const served = join(root, 'served-many');
    const inbox = join(root, 'inbox-many');
    mkdirSync(served);
    const a = randomBytes(300_000);
    const b = randomBytes(70_001);
    writeFileSync(join(served, 'a.bin'), a);
    writeFileSync(join(served, 'b.bin'), b);
    const server = await startServer(served, 'tcp');
    const to = `sip:bob@127.0.0.1:${server.port};transport=tcp`;
    const pull = cli(['pull', '--from', to, '--transport', 'tcp', '--dir', inbox, '--log', 'json',
      '--selector', `name:"a.bin" size:${a.length}`, '--selector', 'name:"gone.bin"', '--selector', `name:"b.bin" hash:sha-1:${rfcHash(b)}`]);
    expect(await cliExitCode(pull, 40_000), pull.err()).toBe(1);
    expect(sha1(readFileSync(join(inbox, 'a.bin')))).toBe(sha1(a));
    expect(sha1(readFileSync(join(inbox, 'b.bin')))).toBe(sha1(b));
    expect(readdirSync(inbox).sort()).toEqual(['a.bin', 'b.bin']);
    expect(pull.err()).toMatch(/^cpm-ft pull: not found: .* has no file matching "name:\\"gone\.bin\\""$/m);
    const events = pull.out().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const invites = events.filter((e) => e['kind'] === 'sip' && e['direction'] === 'sent' && e['method'] === 'INVITE' && e['status'] === undefined);
    // One dialog: the INVITE and two re-INVITEs share a Call-ID; each offer has the single m-line.
    expect(invites).toHaveLength(3);
    expect(new Set(invites.map((e) => e['callId'])).size).toBe(1);
    for (const invite of invites) expect(String(invite['body']).match(/^m=message /gm)).toHaveLength(1);
    const ids = invites.map((e) => /^a=file-transfer-id:(\S+)$/m.exec(String(e['body']))?.[1]);
    expect(new Set(ids).size).toBe(3);
    expect(events.filter((e) => e['kind'] === 'sip' && e['direction'] === 'sent' && e['method'] === 'BYE' && e['status'] === undefined)).toHaveLength(1);
    await stopChild(server.child, 'SIGTERM');
    expect(server.out()).toMatch(/^sent a\.bin 300000 bytes$/m);
    expect(server.out()).toMatch(/^sent b\.bin 70001 bytes$/m);
  });
});

describe('cpm-ft pull arguments', () => {
  it('usage errors exit 2: a selector with no known part, a missing --from', async () => {
    const bad = cli(['pull', '--from', 'sip:bob@127.0.0.1:5999', '--dir', root, '--selector', 'colour:blue']);
    expect(await cliExitCode(bad, 20_000)).toBe(2);
    expect(bad.err()).toMatch(/--selector: the file-selector has none of name, type, size, hash/);
    const noFrom = cli(['pull', '--dir', root, '--selector', 'name:"x"']);
    expect(await cliExitCode(noFrom, 20_000)).toBe(2);
    expect(noFrom.err()).toMatch(/missing --from/);
  });
});
