import { copyFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/commands/demo.ts';
import type { ClientOptions, CpmClient } from '../../src/client-types.ts';
import type { FakeClient } from './helpers/fake-client.ts';
import { fakeClientFactory } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

// The fake sender "delivers" by copying the file into the fake receiver's folder (optionally corrupted).
function linkedFactory(corrupt = false): { createClient: (options: ClientOptions) => Promise<CpmClient>; dirs: string[] } {
  const fake = fakeClientFactory();
  const dirs: string[] = [];
  return {
    dirs,
    createClient: async (options) => {
      const client = (await fake.createClient(options)) as FakeClient;
      if (fake.log.clients.length === 2) {
        const receiver = fake.log.clients[0] as FakeClient;
        const send = client.send.bind(client);
        client.send = (destination, files) => {
          const transfer = send(destination, files);
          void transfer.done.then(() => {
            const dir = fake.log.receives[0]?.dir ?? '';
            dirs.push(dir);
            for (const item of files) {
              const file = typeof item === 'string' ? item : item.path;
              const target = join(dir, basename(file));
              copyFileSync(corrupt ? import.meta.filename : file, target);
              receiver.emit('file-received', { transferId: 't', path: target, size: 0, hash: '' });
            }
          });
          return transfer;
        };
      }
      return client;
    },
  };
}

describe('cpm-ft demo (fake clients)', () => {
  it('sends a generated file, prints both hashes, says identical and removes its temp files', async () => {
    const io = memoryIo(process.cwd());
    const linked = linkedFactory();
    expect(await runDemo(['--size', '100k'], io, { createClient: linked.createClient })).toBe(0);
    const sender = /sender sha-1 ([0-9A-F:]{59})\n/.exec(io.stdout.text)?.[1];
    const receiver = /receiver sha-1 ([0-9A-F:]{59})\n/.exec(io.stdout.text)?.[1];
    expect(sender).toBeDefined();
    expect(receiver).toBe(sender);
    expect(io.stdout.text).toContain('identical: yes\n');
    expect(io.stdout.text).toContain('sending demo.bin (102400 bytes)\n');
    expect(io.stdout.text).toMatch(/receiver listening on sip:127\.0\.0\.1:\d+;transport=udp/);
    expect(linked.dirs).toHaveLength(1);
    expect(existsSync(linked.dirs[0] ?? '/')).toBe(false);
  });

  it('exits 1 when the bytes differ', async () => {
    const io = memoryIo(process.cwd());
    expect(await runDemo(['--size', '1k', '--transport', 'tcp'], io, { createClient: linkedFactory(true).createClient })).toBe(1);
    expect(io.stdout.text).toContain('identical: no\n');
  });

  it('exits 1 when the receiver never reports the file', async () => {
    const io = memoryIo(process.cwd());
    expect(await runDemo(['--size', '1k'], io, { createClient: fakeClientFactory().createClient, receiveTimeoutMs: 50 })).toBe(1);
    expect(io.stderr.text).toBe('file transfer failed: the receiver reported no file\n');
  });
});
