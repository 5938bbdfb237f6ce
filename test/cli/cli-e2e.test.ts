// Real end-to-end: `cpm-ft receive` and `cpm-ft send` as two processes on loopback, with the real
// library. The receiver binds port 0 and prints its address; the test reads it from the output.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killTrackedChildren } from '../helpers/child-process-registry.ts';
import { cliExitCode, runCli, type CliRun } from '../helpers/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-e2e-'));
afterEach(killTrackedChildren);
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Running = CliRun;

const cli = (args: string[]): Running => runCli(args, { cwd: root });
const finished = (run: Running, timeoutMs = 30_000): Promise<number | null> => cliExitCode(run, timeoutMs);

/** Starts `cpm-ft receive` on port 0 and waits for its `listening on sip:HOST:PORT;transport=T` line. */
async function startReceiver(dir: string, extra: string[] = []): Promise<Running & { port: number }> {
  const run = cli(['receive', '--sip', '127.0.0.1:0', '--dir', dir, ...extra]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /listening on sip:127\.0\.0\.1:(\d+);transport=(udp|tcp|tls)/.exec(run.out() + run.err());
    if (match !== null) return { ...run, port: Number(match[1]) };
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`receiver did not start (exit ${run.child.exitCode})\nstdout: ${run.out()}\nstderr: ${run.err()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function makeFiles(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'small.txt': Buffer.from('hello from cpm-ft\n'),
    'random.bin': randomBytes(300 * 1024),
    'later.dat': randomBytes(70 * 1024 + 3),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return files;
}

describe('cpm-ft send → cpm-ft receive over loopback', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`delivers several files byte-identical over ${transport}, with a --then batch`, async () => {
      const outbox = mkdtempSync(join(root, `out-${transport}-`));
      const inbox = join(root, `in-${transport}`);
      const files = makeFiles(outbox);
      // No --once: whether the --then batch rides a re-INVITE or a session of its own is the spec's
      // call (7.6.1 step 4), so the receiver serves until it is stopped once the sender is done.
      const receiver = await startReceiver(inbox, ['--transport', transport]);
      const sender = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${receiver.port};transport=${transport}`, '--transport', transport,
        '--chunk-size', '16k', join(outbox, 'small.txt'), join(outbox, 'random.bin'), '--then', join(outbox, 'later.dat')]);
      const sent = await finished(sender);
      expect(sent, `sender stderr: ${sender.err()}`).toBe(0);
      expect(sender.out()).toMatch(/sent random\.bin sha-1 [0-9A-F:]+/);
      expect(sender.out()).not.toMatch(/\x1b\[/);
      receiver.child.kill('SIGTERM');
      expect(await finished(receiver)).toBe(0);
      for (const [name, data] of Object.entries(files)) {
        expect(readFileSync(join(inbox, name)).equals(data), name).toBe(true);
        expect(receiver.out()).toContain(`received ${name} ${data.length} bytes sha-1 `);
      }
    });
  }

  it('delivers over TLS with a self-signed certificate (--tls-cert/--tls-key/--tls-ca)', async () => {
    const pki = mkdtempSync(join(root, 'pki-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'k.pem'), '-out', join(pki, 'c.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tls = ['--transport', 'tls', '--tls-cert', join(pki, 'c.pem'), '--tls-key', join(pki, 'k.pem'), '--tls-ca', join(pki, 'c.pem')];
    const outbox = mkdtempSync(join(root, 'out-tls-'));
    const files = makeFiles(outbox);
    const inbox = join(root, 'in-tls');
    const receiver = await startReceiver(inbox, ['--once', ...tls]);
    expect(receiver.out()).toContain(';transport=tls');
    const sender = cli(['send', ...tls, '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${receiver.port};transport=tls`, join(outbox, 'random.bin')]);
    expect(await finished(sender), sender.err()).toBe(0);
    expect(await finished(receiver)).toBe(0);
    expect(readFileSync(join(inbox, 'random.bin')).equals(files['random.bin'] ?? Buffer.alloc(0))).toBe(true);
  });

  it('a certificate the sender does not trust: the failure says to give its CA with --tls-ca', async () => {
    const pki = mkdtempSync(join(root, 'pki-untrusted-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'k.pem'), '-out', join(pki, 'c.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const receiver = await startReceiver(join(root, 'in-untrusted'), ['--transport', 'tls', '--tls-cert', join(pki, 'c.pem'), '--tls-key', join(pki, 'k.pem')]);
    const outbox = mkdtempSync(join(root, 'out-untrusted-'));
    makeFiles(outbox);
    // The sender has its own certificate but no --tls-ca: Node's default CAs do not know the receiver's.
    const sender = cli(['send', '--transport', 'tls', '--tls-cert', join(pki, 'c.pem'), '--tls-key', join(pki, 'k.pem'), '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${receiver.port};transport=tls`, join(outbox, 'small.txt')]);
    expect(await finished(sender)).toBe(1);
    expect(sender.err()).toMatch(/self[- ]signed certificate.*\(the certificate is not trusted: give the CA that signed the peer's certificate with --tls-ca FILE\)/);
    receiver.child.kill('SIGTERM');
    await finished(receiver);
  });

  it('--log json: every stdout line of both processes is one JSON object', async () => {
    const outbox = mkdtempSync(join(root, 'out-json-'));
    makeFiles(outbox);
    const receiver = await startReceiver(join(root, 'in-json'), ['--once', '--log', 'json']);
    const sender = cli(['send', '--log', 'json', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${receiver.port}`, join(outbox, 'small.txt')]);
    expect(await finished(sender), sender.err()).toBe(0);
    expect(await finished(receiver)).toBe(0);
    for (const run of [sender, receiver]) {
      const lines = run.out().trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(2);
      const events = lines.map((line) => JSON.parse(line) as { kind: string });
      for (const event of events) expect(['sip', 'msrp', 'file', 'rule']).toContain(event.kind);
      expect(events.some((event) => event.kind === 'sip')).toBe(true);
    }
    expect(sender.err()).toContain('sent small.txt sha-1');
  });

  it('a --reject receiver makes the sender exit 1 with file transfer failed [7.6.1-5]', async () => {
    const outbox = mkdtempSync(join(root, 'out-reject-'));
    makeFiles(outbox);
    const receiver = await startReceiver(join(root, 'in-reject'), ['--reject']);
    const sender = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${receiver.port}`, join(outbox, 'small.txt')]);
    expect(await finished(sender)).toBe(1);
    expect(sender.err()).toMatch(/^file transfer failed: small\.txt: /m);
    receiver.child.kill('SIGTERM');
    expect(await finished(receiver)).toBe(0);
  });

  it('receive --once --reject exits 0 after refusing the first INVITE', async () => {
    const outbox = mkdtempSync(join(root, 'out-reject-once-'));
    makeFiles(outbox);
    const receiver = await startReceiver(join(root, 'in-reject-once'), ['--reject', '--once']);
    const sender = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', `sip:bob@127.0.0.1:${receiver.port}`, join(outbox, 'small.txt'), join(outbox, 'random.bin')]);
    expect(await finished(sender)).toBe(1);
    expect(sender.err()).toContain('file transfer failed: random.bin: SIP 603');
    expect(await finished(receiver, 10_000)).toBe(0);
    expect(receiver.out()).toContain('declined small.txt (18 bytes) from sip:alice@127.0.0.1\ndeclined random.bin');
  });

  it('the sender exits 2 on a missing file without sending anything', async () => {
    const sender = cli(['send', '--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:9', 'no-such-file.bin']);
    expect(await finished(sender)).toBe(2);
    expect(sender.err()).toContain("cannot send 'no-such-file.bin': no such file");
  });

  it('demo exits 0 and reports identical hashes', async () => {
    const demo = cli(['demo', '--size', '1M']);
    expect(await finished(demo, 60_000), demo.err()).toBe(0);
    expect(demo.out()).toContain('identical: yes');
    const sender = /sender sha-1 (\S+)/.exec(demo.out())?.[1];
    expect(sender).toBeDefined();
    expect(demo.out()).toContain(`receiver sha-1 ${sender}`);
  });
});
