import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatListenUri, runReceive, type SignalName } from '../../src/cli/commands/receive.ts';
import type { FakeClient } from './helpers/fake-client.ts';
import { fakeClientFactory } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-recv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/** Waits (polling, so a loaded machine only makes it slower) until the command has called receive(). */
async function listening(log: { receives: unknown[] }): Promise<void> {
  for (let i = 0; i < 1000 && log.receives.length === 0; i += 1) await turn();
  expect(log.receives).toHaveLength(1);
}

function fakeSignals(): { onSignal: (handler: (signal: SignalName) => void) => () => void; raise: (signal: SignalName) => void; subscribed: () => number } {
  const handlers = new Set<(signal: SignalName) => void>();
  return {
    onSignal: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    raise: (signal) => {
      for (const handler of handlers) handler(signal);
    },
    subscribed: () => handlers.size,
  };
}

const offer = { from: 'sip:alice@127.0.0.1', name: 'a.txt', size: 5, type: 'text/plain', hash: undefined, transferId: 't1' };

describe('cpm-ft receive (fake client)', () => {
  it('creates DIR, prints where it listens and exits 0 after the first session with --once', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory();
    const signals = fakeSignals();
    const running = runReceive(['--sip', '127.0.0.1:0', '--dir', 'inbox/deep', '--once', '--max-size', '1k'], io, { createClient: fake.createClient, onSignal: signals.onSignal });
    await listening(fake.log);
    expect(existsSync(join(root, 'inbox/deep'))).toBe(true);
    expect(io.stdout.text).toContain(`listening on sip:127.0.0.1:45678;transport=udp (files go to ${join(root, 'inbox/deep')})\n`);
    expect(fake.log.receives[0]).toMatchObject({ dir: join(root, 'inbox/deep'), maxSize: 1024 });
    expect(fake.log.receives[0]?.accept).toBeUndefined();
    expect(fake.log.options[0]).toMatchObject({ localUri: 'sip:cpm-ft@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
    const client = fake.log.clients[0] as FakeClient;
    client.emit('offer', { ...offer, accepted: true });
    client.emit('file-received', { transferId: 't1', path: join(root, 'inbox/deep/a.txt'), size: 5, hash: 'AB:CD' });
    client.emit('session-end', { from: offer.from, files: 1 });
    expect(await running).toBe(0);
    expect(io.stdout.text).toContain(`received a.txt 5 bytes sha-1 AB:CD -> ${join(root, 'inbox/deep/a.txt')}\n`);
    expect(client.closed).toBe(true);
    expect(signals.subscribed()).toBe(0);
  });

  it('exits 1 with --once when a file of the session failed', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory();
    const running = runReceive(['--sip', '127.0.0.1:0', '--dir', 'in2', '--once', '--log', 'json'], io, { createClient: fake.createClient, onSignal: fakeSignals().onSignal });
    await listening(fake.log);
    const client = fake.log.clients[0] as FakeClient;
    client.emit('file-failed', { transferId: 't1', name: 'a.txt', reason: 'connection lost' });
    client.emit('session-end', { from: offer.from, files: 1 });
    expect(await running).toBe(1);
    expect(io.stdout.text).toBe('');
    expect(io.stderr.text).toContain('failed a.txt: connection lost\n');
    expect(typeof fake.log.options[0]?.log).toBe('function');
  });

  it('--reject declines every offer', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory();
    const running = runReceive(['--sip', '127.0.0.1:0', '--dir', 'in3', '--reject', '--once'], io, { createClient: fake.createClient, onSignal: fakeSignals().onSignal });
    await listening(fake.log);
    expect(await fake.log.receives[0]?.accept?.(offer)).toBe(false);
    const client = fake.log.clients[0] as FakeClient;
    client.emit('offer', { ...offer, accepted: false });
    client.emit('session-end', { from: offer.from, files: 0 });
    expect(await running).toBe(0);
    expect(io.stdout.text).toContain('declined a.txt (5 bytes) from sip:alice@127.0.0.1\n');
  });

  it('serves session after session until a signal, then closes and exits 0; a second signal exits at once', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory();
    const signals = fakeSignals();
    const exits: number[] = [];
    let releaseClose: () => void = () => undefined;
    const running = runReceive(['--sip', '127.0.0.1:5070', '--dir', 'in4'], io, {
      createClient: async (options) => {
        const client = (await fake.createClient(options)) as FakeClient;
        // A close that hangs until released, like a BYE waiting for its 200.
        client.close = () => new Promise<void>((resolve) => { releaseClose = () => { client.closed = true; resolve(); }; });
        return client;
      },
      onSignal: signals.onSignal,
      exit: (code) => void exits.push(code),
      shutdownGraceMs: 600_000,
    });
    await listening(fake.log);
    const client = fake.log.clients[0] as FakeClient;
    client.emit('session-end', { from: offer.from, files: 1 });
    client.emit('session-end', { from: offer.from, files: 2 });
    await turn();
    expect(io.stdout.text).toContain('session from sip:alice@127.0.0.1 ended (2 files)\n');
    signals.raise('SIGTERM');
    await turn();
    expect(io.stdout.text).toContain('SIGTERM: shutting down\n');
    signals.raise('SIGINT');
    expect(exits).toEqual([130]);
    releaseClose();
    expect(await running).toBe(0);
    expect(client.closed).toBe(true);
  });

  it('a close that outlasts the shutdown grace after one signal: the command exits anyway, saying so', async () => {
    const io = memoryIo(root);
    const fake = fakeClientFactory();
    const signals = fakeSignals();
    const exits: number[] = [];
    const running = runReceive(['--sip', '127.0.0.1:5070', '--dir', 'in4b'], io, {
      createClient: async (options) => {
        const client = (await fake.createClient(options)) as FakeClient;
        // A close that never ends, like a session whose hundreds of lines are still being torn down.
        client.close = () => new Promise<void>(() => undefined);
        return client;
      },
      onSignal: signals.onSignal,
      exit: (code) => void exits.push(code),
      shutdownGraceMs: 20,
    });
    await listening(fake.log);
    signals.raise('SIGTERM');
    expect(await running).toBe(0);
    expect(exits).toEqual([0]);
    expect(io.stderr.text).toContain('cpm-ft receive: still closing sessions after 20 ms; exiting\n');
    expect(signals.subscribed()).toBe(0);
  });

  it('exits 1 when it cannot listen', async () => {
    const io = memoryIo(root);
    const code = await runReceive(['--sip', '127.0.0.1:5070', '--dir', 'in5'], io, { createClient: async () => { throw new Error('EADDRINUSE'); } });
    expect(code).toBe(1);
    expect(io.stderr.text).toBe('cpm-ft receive: cannot listen on 127.0.0.1:5070: EADDRINUSE\n');
  });

  it('brackets IPv6 hosts in the printed URI', () => {
    expect(formatListenUri({ host: '::1', port: 5070, transport: 'tcp' })).toBe('sip:[::1]:5070;transport=tcp');
  });
});
