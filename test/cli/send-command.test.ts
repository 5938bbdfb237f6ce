import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, missingFiles, runSend } from '../../src/cli/commands/send.ts';
import { fakeClientFactory, type FakeClient } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-send-'));
writeFileSync(join(dir, 'a.txt'), 'alpha');
writeFileSync(join(dir, 'b.txt'), 'bravo!');
writeFileSync(join(dir, 'big.bin'), Buffer.alloc(4096, 7));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha1 = (text: string): string => (createHash('sha1').update(text).digest('hex').toUpperCase().match(/../g) ?? []).join(':');

const base = ['--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:5070'];

describe('cpm-ft send (fake client)', () => {
  it('sends the first batch, queues --then batches and exits 0 with plain lines', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    const code = await runSend([...base, '--chunk-size', '2048', '--success-report', 'a.txt', '--then', 'b.txt'], io, { createClient: fake.createClient });
    expect(io.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(fake.log.options[0]).toMatchObject({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, chunkSize: 2048, successReport: true, reuseMlines: true });
    expect(fake.log.options[0]?.log).toBeUndefined();
    expect(fake.log.sends).toEqual([{ destination: { kind: 'one-recipient', uri: 'sip:bob@127.0.0.1:5070' }, files: [join(dir, 'a.txt')] }]);
    expect(fake.log.queued).toEqual([[join(dir, 'b.txt')]]);
    expect(io.stdout.text.split('\n')).toEqual([
      'sending a.txt (5 bytes)',
      `sent a.txt sha-1 ${sha1('alpha')}`,
      'sending b.txt (6 bytes)',
      `sent b.txt sha-1 ${sha1('bravo!')}`,
      '',
    ]);
    expect(io.stdout.text).not.toMatch(/\x1b\[/);
    expect(fake.log.clients[0]?.closed).toBe(true);
  });

  it('exits 1 naming the file and the MSRP status when a file fails', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory(new Map([['big.bin', { status: 413, source: 'msrp-response', code: 'ERR_MSRP_STATUS', message: 'Message too large' }]]));
    expect(await runSend([...base, 'a.txt', 'big.bin'], io, { createClient: fake.createClient })).toBe(1);
    expect(io.stdout.text).toContain('failed big.bin: MSRP 413: Message too large\n');
    expect(io.stderr.text).toBe('file transfer failed: big.bin: MSRP 413: Message too large\n');
    expect(fake.log.clients[0]?.closed).toBe(true);
  });

  it('with --log json writes only JSON lines on stdout and human text on stderr', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory(new Map([['big.bin', { status: 413, source: 'msrp-response', code: 'ERR_MSRP_STATUS', message: 'too large' }]]));
    expect(await runSend([...base, '--log', 'json', 'a.txt', 'big.bin'], io, { createClient: fake.createClient })).toBe(1);
    const lines = io.stdout.text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const events = lines.map((line) => JSON.parse(line) as { kind: string });
    expect(events.map((e) => e.kind)).toEqual(['msrp', 'file', 'msrp', 'msrp']);
    expect(io.stderr.text).toContain('sending a.txt (5 bytes)\n');
    expect(io.stderr.text).toContain('file transfer failed: big.bin: MSRP 413: too large\n');
  });

  it('maps recipient lists, groups, proxy, transport and --no-reuse into the client options', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    const args = ['--from', 'sip:alice@h', '--to', 'sip:b@h', '--to', 'sip:c@h', '--factory', 'sip:conf@h', '--proxy', 'sip:127.0.0.1:5999', '--transport', 'tcp', '--sip', '127.0.0.1:7000', '--no-reuse', 'a.txt'];
    expect(await runSend(args, io, { createClient: fake.createClient })).toBe(0);
    expect(fake.log.options[0]).toMatchObject({ outboundProxy: 'sip:127.0.0.1:5999', sip: { host: '127.0.0.1', port: 7000, transport: 'tcp' }, reuseMlines: false });
    expect(fake.log.sends[0]?.destination).toEqual({ kind: 'recipient-list', uris: ['sip:b@h', 'sip:c@h'], factory: 'sip:conf@h' });
    const io2 = memoryIo(dir);
    expect(await runSend(['--from', 'sip:alice@h', '--group', 'sip:team@h', 'a.txt'], io2, { createClient: fake.createClient })).toBe(0);
    expect(fake.log.sends[1]?.destination).toEqual({ kind: 'predefined-group', uri: 'sip:team@h' });
  });

  it('a signal cancels the transfer, closes the client and exits 130; a second one exits at once', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    let handler: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const exits: number[] = [];
    const reasons: (string | undefined)[] = [];
    const running = runSend([...base, 'a.txt'], io, {
      createClient: async (options) => {
        const client = (await fake.createClient(options)) as FakeClient;
        // A transfer that never ends on its own, like one waiting for a peer that went away; its
        // cancel does not end either, so the CLI's bound on the cancel is what lets it go on.
        client.send = () => ({ queue: () => undefined, cancel: (reason) => { reasons.push(reason); return new Promise(() => undefined); }, on() { return this; }, once() { return this; }, off() { return this; }, done: new Promise(() => undefined) });
        return client;
      },
      onSignal: (h) => {
        handler = h;
        return () => { handler = undefined; };
      },
      exit: (code) => void exits.push(code),
      cancelWaitMs: 50,
    });
    for (let i = 0; i < 1000 && handler === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const raise = handler;
    raise?.('SIGINT');
    raise?.('SIGINT');
    expect(exits).toEqual([130]);
    expect(await running).toBe(130);
    expect(reasons).toEqual(['interrupted by SIGINT']);
    // The cancel named nothing (it never ended): the file not yet arrived is what it stopped.
    expect(io.stderr.text).toBe('file transfer failed: interrupted by SIGINT: a.txt cancelled\n');
    expect(fake.log.clients[0]?.closed).toBe(true);
    expect(handler).toBeUndefined();
  });
  it('a peer that lets neither the cancel nor the close end: the shutdown cap exits 143 naming the files', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    const exits: number[] = [];
    let handler: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
    void runSend([...base, 'a.txt', 'b.txt'], io, {
      createClient: async (options) => {
        const client = (await fake.createClient(options)) as FakeClient;
        client.send = () => ({ queue: () => undefined, cancel: () => new Promise(() => undefined), on() { return this; }, once() { return this; }, off() { return this; }, done: new Promise(() => undefined) });
        client.close = () => new Promise(() => undefined);
        return client;
      },
      onSignal: (h) => {
        handler = h;
        return () => { handler = undefined; };
      },
      exit: (code) => void exits.push(code),
      cancelWaitMs: 600_000,
      shutdownGraceMs: 30,
    });
    for (let i = 0; i < 1000 && handler === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    handler?.('SIGTERM');
    for (let i = 0; i < 1000 && exits.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(exits).toEqual([143]);
    expect(io.stderr.text).toBe('file transfer failed: interrupted by SIGTERM: a.txt, b.txt interrupted; the peer did not let the session close in time\n');
  });
  it('the first signal names the files its cancel stopped', async () => {
    const io = memoryIo(dir);
    const fake = fakeClientFactory();
    let handler: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const running = runSend([...base, 'a.txt', 'b.txt'], io, {
      createClient: async (options) => {
        const client = (await fake.createClient(options)) as FakeClient;
        const send = client.send.bind(client);
        // The fake delivers on the next turn; the signal comes first, so its cancel stops both files.
        client.send = (destination, files) => {
          const transfer = send(destination, files);
          handler?.('SIGINT');
          return transfer;
        };
        return client;
      },
      onSignal: (h) => {
        handler = h;
        return () => { handler = undefined; };
      },
      exit: () => undefined,
    });
    expect(await running).toBe(130);
    expect(io.stderr.text).toBe('file transfer failed: interrupted by SIGINT: a.txt, b.txt cancelled\n');
    expect(fake.log.clients[0]?.closed).toBe(true);
  });


  it('exits 1 when the client cannot start', async () => {
    const io = memoryIo(dir);
    const code = await runSend([...base, 'a.txt'], io, { createClient: async () => { throw new Error('EADDRINUSE 127.0.0.1:5060'); } });
    expect(code).toBe(1);
    expect(io.stderr.text).toBe('file transfer failed: cannot start the SIP client: EADDRINUSE 127.0.0.1:5060\n');
  });
});

describe('failure accounting', () => {
  it('describes failures by protocol and status', () => {
    expect(describeFailure({ status: 488, source: 'sip-response', code: 'ERR_SIP_REJECTED', message: 'Not Acceptable Here' })).toBe('SIP 488: Not Acceptable Here');
    expect(describeFailure({ status: 500, source: 'failure-report', code: 'ERR_MSRP_FAILURE_REPORT', message: 'x' })).toBe('MSRP 500: x');
    expect(describeFailure({ source: 'timeout', code: 'ERR_TRANSFER_TIMEOUT', message: 'no REPORT' })).toBe('timeout: no REPORT');
    expect(describeFailure({ status: 603, source: 'sip-response', code: 'ERR_SIP_REJECTED', message: '603 Decline' })).toBe('SIP 603: Decline');
  });

  it('counts a file only when an ok result exists for it', () => {
    const ok = { path: '/x/a', name: 'a', size: 1, hash: 'H', ok: true };
    expect(missingFiles(['/x/a'], { ok: true, files: [ok], decisions: [] })).toEqual([]);
    expect(missingFiles(['/x/a', '/x/b'], { ok: true, files: [ok], decisions: [] })).toEqual(['b: no result reported']);
    expect(missingFiles(['/x/a'], { ok: false, files: [], decisions: [] })).toEqual(['a: session failed']);
    expect(missingFiles(['/x/a'], { ok: false, files: [ok], decisions: [] })).toEqual(['the session reported a failure']);
  });
});
